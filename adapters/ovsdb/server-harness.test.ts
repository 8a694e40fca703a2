// Test support (no tests here): upstream `ovsdb-server` and `ovn-ts ovsdb-server` (a child process) started
// the same way on databases made by upstream `ovsdb-tool create` (NB, SB and Open_vSwitch in one server),
// and output normalization for differential tests.
//
// Normalization: UUIDs become <uuid> and lines are sorted per command, because clients print rows in hash
// order of their (random) UUIDs; timings in "timed out after N ms" become N, log timestamps TIME.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const mainJs = path.join(__dirname, '..', 'cli', 'main.js');
export const schemas = {
  nb: '/usr/share/ovn/ovn-nb.ovsschema',
  sb: '/usr/share/ovn/ovn-sb.ovsschema',
  vs: '/usr/share/openvswitch/vswitch.ovsschema',
};

export interface Server {
  readonly dir: string;
  readonly sock: string;
  readonly ctl: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

export function envFor(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVS_LOGDIR: dir, OVN_RUNDIR: dir, OVN_LOGDIR: dir };
}

/** Starts a server on fresh databases, or on copies of the database files in `copyFrom`. */
export async function startServer(kind: 'upstream' | 'ours', copyFrom?: string): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ovn-ts-interop-${kind}-`));
  const env = envFor(dir);
  const dbs = (['nb', 'sb', 'vs'] as const).map((k) => {
    const file = path.join(dir, `${k}.db`);
    if (copyFrom) {
      fs.copyFileSync(path.join(copyFrom, `${k}.db`), file);
      return file;
    }
    const r = spawnSync('ovsdb-tool', ['create', file, schemas[k]], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return file;
  });
  const sock = path.join(dir, 'db.sock');
  const ctl = path.join(dir, 'ctl');
  const args = [`--remote=punix:${sock}`, `--unixctl=${ctl}`, `--pidfile=${path.join(dir, 'pid')}`, `--log-file=${path.join(dir, 'server.log')}`, ...dbs];
  const child = kind === 'upstream'
    ? spawn('ovsdb-server', ['--no-chdir', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(process.execPath, [mainJs, 'ovsdb-server', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 400 && !(fs.existsSync(sock) && fs.existsSync(ctl)); i++) {
    if (child.exitCode !== null) throw new Error(`${kind} server exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(fs.existsSync(sock), `${kind} server did not create ${sock}: ${stderr}`);
  return { dir, sock, ctl, child, exited, stderr: () => stderr };
}

export async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode === null && s.child.pid !== undefined) s.child.kill('SIGTERM');
  await s.exited;
  fs.rmSync(s.dir, { recursive: true, force: true });
}

export const uuidRe = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export function normalize(text: string): string {
  return text
    .replace(uuidRe, '<uuid>')
    .replace(/timed out after \d+ ms/g, 'timed out after N ms')
    .replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\|/gm, 'TIME|')
    .split('\n')
    .map((l) => sortJsonRows(l.trimEnd()))
    .sort()
    .join('\n');
}

/** JSON output lists rows in hash order too: sort each line's "data" and "rows" arrays. */
export function sortJsonRows(line: string): string {
  if (!line.startsWith('{') && !line.startsWith('[')) return line;
  try {
    const parsed = JSON.parse(line) as unknown;
    const sortIn = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(sortIn);
      if (typeof v !== 'object' || v === null) return;
      const o = v as Record<string, unknown>;
      for (const k of ['data', 'rows']) {
        const rows = o[k];
        if (Array.isArray(rows)) rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      }
      Object.values(o).forEach(sortIn);
    };
    sortIn(parsed);
    return JSON.stringify(parsed);
  } catch {
    return line;
  }
}
