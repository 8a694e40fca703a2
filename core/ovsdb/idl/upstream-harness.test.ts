// Test support (no tests here): a real upstream ovsdb-server with the OVN_Northbound schema, ovn-nbctl,
// `ovsdb-client dump` parsed into comparable form, and IDL clients over the Node adapters.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { NodeClock, NodeTransport, createNodeRandom } from '../../../adapters/node';
import { parseDatabaseSchema } from '../schema/parse-schema';
import type { DatabaseSchema } from '../schema/types';
import { datumFromJson, datumToJson } from '../data/datum';
import type { Json } from '../data/json';
import { formatJson } from '../../json/format';
import type { JsonValue } from '../../json/value';
import { makeTempDir, run, startUpstreamServer, type UpstreamServer } from '../jsonrpc/upstream-server.test';
import type { ConnectCallbacks, ListenCallbacks, Listener, PendingConnect, Transport } from '../../runtime/transport';
import { IdlClient, type IdlOptions } from './client';
import type { Replica } from './replica';

export const nbSchemaPath = '/usr/share/ovn/ovn-nb.ovsschema';
let cachedSchema: DatabaseSchema | null = null;
export function nbSchema(): DatabaseSchema {
  cachedSchema ??= parseDatabaseSchema(JSON.parse(fs.readFileSync(nbSchemaPath, 'utf8')) as Json);
  return cachedSchema;
}

export interface NbServer {
  readonly dir: string;
  readonly remote: string;
  server: UpstreamServer;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A fresh NB database (clustered with one member when `clustered`, so transaction history survives restarts). */
export async function startNb(label: string, clustered: boolean): Promise<NbServer> {
  const dir = makeTempDir(label);
  const db = path.join(dir, 'nb.db');
  if (clustered) run('ovsdb-tool', ['create-cluster', db, nbSchemaPath, `unix:${path.join(dir, 'raft.sock')}`]);
  else run('ovsdb-tool', ['create', db, nbSchemaPath]);
  const nb: NbServer = {
    dir,
    remote: `unix:${path.join(dir, 'db.sock')}`,
    server: await startUpstreamServer(dir, db),
    restart: async () => {
      await nb.server.stop();
      nb.server = await startUpstreamServer(dir, db);
    },
    stop: async () => {
      await nb.server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return nb;
}

export function nbctl(nb: NbServer, ...args: string[]): string {
  return execFileSync('ovn-nbctl', [`--db=${nb.remote}`, '--no-leader-only', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Canonical text of every row: table -> uuid -> column -> formatted JSON, from `ovsdb-client dump -f json`. */
export function dumpServer(nb: NbServer, schema: DatabaseSchema): Map<string, Map<string, Record<string, string>>> {
  const text = execFileSync('ovsdb-client', ['dump', '-f', 'json', nb.remote, schema.name], { encoding: 'utf8' });
  const out = new Map<string, Map<string, Record<string, string>>>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const t = JSON.parse(line) as { caption: string; headings: string[]; data: Json[][] };
    const table = schema.tables.get(t.caption.replace(/ table$/, ''))!;
    const rows = new Map<string, Record<string, string>>();
    for (const data of t.data) {
      const row: Record<string, string> = {};
      let uuid = '';
      t.headings.forEach((h, i) => {
        if (h === '_uuid') uuid = (data[i] as [string, string])[1];
        else {
          const c = table.columnsByName.get(h)!;
          row[h] = formatJson(datumToJson(datumFromJson(data[i]!, c.type, null), c.type) as JsonValue);
        }
      });
      rows.set(uuid, row);
    }
    out.set(table.name, rows);
  }
  return out;
}

/** The replica in the same form as dumpServer. */
export function dumpReplica(replica: Replica): Map<string, Map<string, Record<string, string>>> {
  const out = new Map<string, Map<string, Record<string, string>>>();
  for (const table of replica.schema.tables.values()) {
    const rows = new Map<string, Record<string, string>>();
    for (const [uuid, r] of replica.rows(table.name)) {
      const row: Record<string, string> = {};
      for (const c of table.columns) row[c.name] = formatJson(datumToJson(r.values[c.index]!, c.type) as JsonValue);
      rows.set(uuid, row);
    }
    out.set(table.name, rows);
  }
  return out;
}

/** A NodeTransport whose connect attempts fail at once while `open` is false: the test decides when an IDL may reconnect. */
export class GatedTransport implements Transport {
  open = true;
  private readonly inner = new NodeTransport();
  listen(address: string, callbacks: ListenCallbacks): Listener {
    return this.inner.listen(address, callbacks);
  }
  connect(address: string, callbacks: ConnectCallbacks): PendingConnect {
    if (this.open) return this.inner.connect(address, callbacks);
    const t = setTimeout(() => callbacks.failed(new Error('gated by the test')), 0);
    return { cancel: () => clearTimeout(t) };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export interface TestIdl {
  readonly idl: IdlClient;
  readonly problems: string[];
  readonly syncs: string[];
}

export function makeIdl(nb: NbServer, seed: string, extra: Partial<IdlOptions> = {}): TestIdl {
  const problems: string[] = [];
  const syncs: string[] = [];
  const idl = new IdlClient({
    database: 'OVN_Northbound',
    remotes: [nb.remote],
    transport: new NodeTransport(),
    clock: new NodeClock(),
    random: createNodeRandom(seed),
    schema: nbSchema(),
    backoff: { minMs: 200, maxMs: 1000 },
    ...extra,
    callbacks: {
      problem: (_i, m) => problems.push(m),
      synced: (i) => syncs.push(i.lastSyncKind ?? '?'),
      ...extra.callbacks,
    },
  });
  return { idl, problems, syncs };
}
