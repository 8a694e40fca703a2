// Starting and stopping OVSDB servers for benchmarks: upstream ovsdb-server and ovn-ts's, with the same
// command-line flags, each in its own temporary directory with a database made by upstream ovsdb-tool.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RunningServer {
  readonly name: string;
  readonly socket: string;
  readonly dir: string;
  stop(): void;
}

export type ServerKind = 'upstream' | 'ovn-ts';

const serverStartLimitMs = 15_000;

export async function startServer(kind: ServerKind, schema: string): Promise<RunningServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ovn-ts-bench-${kind}-`));
  const db = path.join(dir, 'bench.db');
  execFileSync('ovsdb-tool', ['create', db, schema]);
  const socket = path.join(dir, 'db.sock');
  const args = [`--remote=punix:${socket}`, `--unixctl=${path.join(dir, 'ctl')}`, `--log-file=${path.join(dir, 'server.log')}`, db];
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVN_RUNDIR: dir };
  const child: ChildProcess =
    kind === 'upstream'
      ? spawn('ovsdb-server', args, { env, stdio: 'ignore' })
      : spawn(process.execPath, ['--max-semi-space-size=32', path.join(__dirname, '..', 'adapters', 'cli', 'main.js'), 'ovsdb-server', ...args], { env, stdio: 'ignore' });
  const started = Date.now();
  while (!fs.existsSync(socket)) {
    if (child.exitCode !== null) throw new Error(`${kind} ovsdb-server exited with ${child.exitCode} before listening`);
    if (Date.now() - started > serverStartLimitMs) throw new Error(`${kind} ovsdb-server did not create ${socket}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    name: kind,
    socket,
    dir,
    stop: () => {
      child.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
