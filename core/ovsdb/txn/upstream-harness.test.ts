// Test support (not a spec): runs a real upstream ovsdb-server on a temp database made with ovsdb-tool and
// talks JSON-RPC to it over its unix socket, so tests can compare replies with our engine.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Json, isJsonObject } from '../data/json';

export class UpstreamServer {
  private constructor(
    private readonly dir: string,
    private readonly proc: ChildProcess,
    private readonly sock: net.Socket,
  ) {}
  private buffer = '';
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: { result: Json; error: Json }) => void>();

  static async start(schemaJson: Json): Promise<UpstreamServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovsdb-diff-'));
    const schemaFile = path.join(dir, 'schema.ovsschema');
    fs.writeFileSync(schemaFile, JSON.stringify(schemaJson));
    const db = path.join(dir, 'db');
    execFileSync('ovsdb-tool', ['create', db, schemaFile]);
    const sockPath = path.join(dir, 'db.sock');
    const env = { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVS_LOGDIR: dir };
    const proc = spawn('ovsdb-server', [`--remote=punix:${sockPath}`, `--unixctl=${path.join(dir, 'ctl')}`,
      '--no-chdir', `--log-file=${path.join(dir, 'log')}`, db], { env, stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!fs.existsSync(sockPath)) {
      if (Date.now() > deadline) throw new Error('ovsdb-server did not create its socket');
      await new Promise((r) => setTimeout(r, 10));
    }
    // The socket file can appear just before the server listens on it: retry briefly.
    let sock: net.Socket | null = null;
    while (!sock) {
      sock = await new Promise<net.Socket | null>((resolve) => {
        const s = net.createConnection(sockPath, () => resolve(s));
        s.on('error', () => resolve(null));
      });
      if (!sock) {
        if (Date.now() > deadline) throw new Error('cannot connect to ovsdb-server');
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const server = new UpstreamServer(dir, proc, sock);
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => server.onData(chunk));
    return server;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    // Split the stream into complete JSON values by tracking nesting outside strings.
    let depth = 0;
    let inString = false;
    let escaped = false;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          const msg = JSON.parse(this.buffer.slice(start, i + 1)) as { id: Json; method?: string; result: Json; error: Json };
          start = i + 1;
          this.handle(msg);
        }
      }
    }
    this.buffer = this.buffer.slice(start);
  }

  private handle(msg: { id: Json; method?: string; result: Json; error: Json }): void {
    if (msg.method === 'echo') {
      this.sock.write(JSON.stringify({ id: msg.id, result: [], error: null }));
      return;
    }
    const cb = this.waiting.get(msg.id as number);
    if (cb) {
      this.waiting.delete(msg.id as number);
      cb(msg);
    }
  }

  /** Sends a JSON-RPC request and resolves with its reply's result (or error). */
  request(method: string, params: Json): Promise<{ result: Json; error: Json }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.sock.write(JSON.stringify({ method, params, id }));
    });
  }

  async transact(params: Json): Promise<Json> {
    const reply = await this.request('transact', params);
    return reply.error !== null ? { rpcError: reply.error } : reply.result;
  }

  /** The records of the server's database file after the schema record ("_date" removed). */
  logRecords(): Json[] {
    const text = fs.readFileSync(path.join(this.dir, 'db'), 'utf8');
    const out: Json[] = [];
    const re = /OVSDB JSON (\d+) [0-9a-f]+\n/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const body = text.slice(re.lastIndex, re.lastIndex + Number(m[1]));
      const record = JSON.parse(body) as Record<string, Json>;
      delete record._date;
      out.push(record);
      re.lastIndex += Number(m[1]);
    }
    return out.slice(1);
  }

  stop(): void {
    this.sock.destroy();
    if (this.proc.pid !== undefined && this.proc.exitCode === null) this.proc.kill('SIGTERM');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Replaces every UUID in a reply with "<n>" numbered by order of first appearance, so replies from two
 * engines with different random UUIDs compare equal when they agree on structure.
 */
export function normalizeUuids(value: Json, names = new Map<string, string>()): Json {
  const uuidRe = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const name = (u: string): string => {
    if (u === '00000000-0000-0000-0000-000000000000') return '<zero>';
    let n = names.get(u);
    if (!n) names.set(u, (n = `<${names.size}>`));
    return n;
  };
  if (typeof value === 'string') return value.replace(uuidRe, name);
  if (Array.isArray(value)) return value.map((v) => normalizeUuids(v, names));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(value).sort()) out[k] = normalizeUuids((value as Record<string, Json>)[k]!, names);
    return out;
  }
  return value;
}

/**
 * Makes replies comparable where upstream's output depends on the history of its row hash table, which we
 * do not reproduce: the order of rows of a select without "sort". (Orders that depend only on names, like
 * the first bad column or unexpected member, are reproduced exactly: see data/shash-order.ts.)
 */
function canonicalReply(ops: readonly Json[], reply: Json): Json {
  if (!Array.isArray(reply)) return reply;
  return reply.map((r, i) => {
    const op = ops[i];
    if (isJsonObject(r) && Array.isArray(r.rows) && isJsonObject(op) && op.sort === undefined) {
      return { ...r, rows: [...r.rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) };
    }
    return r;
  });
}

/** After UUID numbering: sort set and map elements, whose order follows the (different) UUID values. */
function sortCollections(value: Json): Json {
  if (Array.isArray(value)) {
    const items = value.map(sortCollections);
    if (items.length === 2 && (items[0] === 'set' || items[0] === 'map') && Array.isArray(items[1])) {
      return [items[0], [...(items[1] as Json[])].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))];
    }
    return items;
  }
  if (isJsonObject(value)) {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(value)) out[k] = sortCollections(value[k]!);
    return out;
  }
  return value;
}

/**
 * After UUID numbering: which of two duplicate index rows upstream calls "First" follows a comparison of
 * their columns in its hash order, where _uuid or _version (random values) usually decide; with different
 * random UUIDs in the two engines only the pair, not its order, can be compared.
 */
function canonicalDetails(reply: Json): Json {
  if (!Array.isArray(reply)) return reply;
  return reply.map((r) => {
    if (!isJsonObject(r) || typeof r.details !== 'string') return r;
    const m = /^(.*?)  (First row, .*?)  Second (row, .*)$/.exec(r.details);
    if (!m) return r;
    const [x, y] = [m[2]!.replace(/^First /, ''), m[3]!].sort();
    return { ...r, details: `${m[1]}  First ${x}  Second ${y}` };
  });
}

/** A reply in comparable form: see canonicalReply, normalizeUuids, sortCollections, canonicalDetails. */
export function comparableReply(ops: readonly Json[], reply: Json, names: Map<string, string>): Json {
  return canonicalDetails(sortCollections(normalizeUuids(canonicalReply(ops, reply), names)));
}
