// What a Transport or Storage implementation hands the shared contract suites (transport.contract.ts,
// storage.contract.ts). The suites run unchanged against the Node adapters (real time, real sockets and
// files) and against the simulator (virtual time), so the environment owns every notion of time.

import type { Storage } from '../storage';
import type { Transport } from '../transport';

export interface TransportContractEnv {
  /** Listens (the suite's servers live here). May be the same object as clientTransport. */
  readonly serverTransport: Transport;
  /** Connects (the suite's clients live here). */
  readonly clientTransport: Transport;
  /** Passive addresses to test, e.g. ['punix:/tmp/x/s.sock', 'ptcp:0:127.0.0.1'] (the simulator: its own). */
  readonly listenAddresses: readonly string[];
  /** Runs the world until pred() is true; rejects with `what` after limitMs of (real or virtual) time. */
  waitUntil(pred: () => boolean, what: string, limitMs?: number): Promise<void>;
  /** Lets (real or virtual) time pass, for checking that nothing happens. */
  idle(ms: number): Promise<void>;
  dispose(): Promise<void>;
}

export interface StorageContractEnv {
  /** An empty storage. */
  readonly storage: Storage;
  dispose(): Promise<void>;
}
