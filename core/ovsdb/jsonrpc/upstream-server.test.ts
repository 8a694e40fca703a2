// Test support (no tests here): run a real upstream ovsdb-server on a temp dir, and adapt a Node socket
// to the core Connection interface. A *.test.ts name keeps it out of the purity check and the build output
// of production code; mocha loads it harmlessly.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as os from 'node:os';
import type { Connection, ConnectionHandler } from '../../runtime/transport';

export interface UpstreamServer {
  readonly dir: string;
  readonly socket: string;
  readonly dbPath: string;
  readonly process: ChildProcess;
  /** Stops the server (SIGTERM, waits for exit). */
  stop(): Promise<void>;
}

export function makeTempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ovn-ts-${label}-`));
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts `ovsdb-server` on dbPath (created by the caller) with a punix remote in `dir`. */
export async function startUpstreamServer(dir: string, dbPath: string): Promise<UpstreamServer> {
  const socket = path.join(dir, 'db.sock');
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVS_LOGDIR: dir };
  const child = spawn(
    'ovsdb-server',
    [`--remote=punix:${socket}`, `--unixctl=${path.join(dir, 'ctl')}`, `--log-file=${path.join(dir, 'ovsdb-server.log')}`, '--no-chdir', dbPath],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 200 && !fs.existsSync(socket); i++) {
    if (child.exitCode !== null) throw new Error(`ovsdb-server exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  if (!fs.existsSync(socket)) throw new Error(`ovsdb-server did not create ${socket}: ${stderr}`);
  return {
    dir,
    socket,
    dbPath,
    process: child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A Node socket as a core Connection (what adapters/node will do; kept minimal for tests). */
export class SocketConnection implements Connection {
  private handler: ConnectionHandler | null = null;
  private early: Buffer[] = [];
  private closedEarly: { reason: 'remote-close' | 'reset'; detail?: string } | null = null;
  isOpen = true;

  constructor(
    readonly socket: net.Socket,
    readonly name: string,
  ) {
    socket.on('data', (d: Buffer) => (this.handler ? this.handler.data(new Uint8Array(d)) : this.early.push(d)));
    let error: Error | null = null;
    socket.on('error', (e) => (error = e));
    socket.on('close', () => {
      const wasOpen = this.isOpen;
      this.isOpen = false;
      const event = error ? { reason: 'reset' as const, detail: error.message } : { reason: 'remote-close' as const };
      if (!wasOpen) return this.handler?.closed('local-close');
      if (this.handler) this.handler.closed(event.reason, event.detail);
      else this.closedEarly = event;
    });
  }

  get remoteAddress(): string {
    return this.name;
  }

  static connect(socketPath: string): Promise<SocketConnection> {
    return new Promise((resolve, reject) => {
      const s = net.createConnection(socketPath, () => resolve(new SocketConnection(s, `unix:${socketPath}`)));
      s.once('error', reject);
    });
  }

  send(bytes: Uint8Array): void {
    if (this.isOpen) this.socket.write(bytes);
  }

  bufferedBytes(): number {
    return this.socket.writableLength;
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.socket.end();
  }

  setHandler(handler: ConnectionHandler): void {
    this.handler = handler;
    for (const d of this.early.splice(0)) handler.data(new Uint8Array(d));
    if (this.closedEarly) handler.closed(this.closedEarly.reason, this.closedEarly.detail);
  }
}

/** Node's monotonic clock, for sessions in tests against real processes. */
export const realClock = {
  nowMs: () => performance.now(),
  wallClockMs: () => Date.now(),
  setTimer: (delayMs: number, fire: () => void) => {
    const t = setTimeout(fire, delayMs);
    return { cancel: () => clearTimeout(t) };
  },
};

/** Sends raw bytes on a fresh unix-socket connection; collects what comes back until EOF or `quietMs`. */
export function rawExchange(socketPath: string, bytes: Uint8Array, quietMs = 300): Promise<{ reply: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = net.createConnection(socketPath, () => s.write(bytes));
    let timer = setTimeout(done, quietMs, false);
    function done(closed: boolean): void {
      clearTimeout(timer);
      s.destroy();
      resolve({ reply: Buffer.concat(chunks), closed });
    }
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      clearTimeout(timer);
      timer = setTimeout(done, quietMs, false);
    });
    s.on('close', () => done(true));
    s.on('error', () => undefined);
  });
}
