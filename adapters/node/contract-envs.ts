// Environments that run the shared contract suites (core/runtime/contracts) against the Node adapters:
// real sockets and files in a fresh temporary directory, real time for waiting.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { StorageContractEnv, TransportContractEnv } from '../../core/runtime/contracts/contract-env';
import { NodeStorage } from './node-storage';
import { NodeTransport, type NodeTransportOptions } from './node-transport';

/** Default wait bound: generous for a loaded 2-core CI machine, small enough to fail a hung test quickly. */
export const defaultWaitLimitMs = 10_000;
/** Poll interval of waitUntil; 1 ms lets socket I/O run between polls without burning a core. */
const pollIntervalMs = 1;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitUntilReal(pred: () => boolean, what: string, limitMs = defaultWaitLimitMs): Promise<void> {
  const start = performance.now();
  while (!pred()) {
    if (performance.now() - start > limitMs) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await sleep(pollIntervalMs);
  }
}

export function makeTempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ovn-ts-${label}-`));
}

/** A transport env over a fresh temp dir: a unix socket in it, and an ephemeral TCP port on loopback. */
export function makeNodeTransportEnv(options: NodeTransportOptions = {}): TransportContractEnv & { dir: string } {
  const dir = makeTempDir('transport');
  const transport = new NodeTransport(options);
  return {
    dir,
    serverTransport: transport,
    clientTransport: transport,
    listenAddresses: [`punix:${path.join(dir, 'db.sock')}`, 'ptcp:0:127.0.0.1'],
    waitUntil: waitUntilReal,
    idle: sleep,
    dispose: async () => {
      // Let closing sockets finish their handshakes before the directory goes.
      await sleep(pollIntervalMs);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function makeNodeStorageEnv(): StorageContractEnv & { dir: string } {
  const dir = makeTempDir('storage');
  return {
    dir,
    storage: new NodeStorage(dir),
    dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
