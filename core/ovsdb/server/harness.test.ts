// Test support (no tests here): an OvsdbServer over in-memory connections with a manual clock and an
// in-memory disk, and clients that speak JSON-RPC to it through the real JsonRpcSession.
import type { JsonValue } from '../../json/value';
import type { Transport } from '../../runtime/transport';
import { SeededRandom } from '../../runtime/seeded-random';
import { ManualClock, fakeConnectionPair, type FakeConnection } from '../jsonrpc/test-fakes';
import { JsonRpcSession, type ReplyOutcome } from '../jsonrpc/session';
import { MemoryStorage } from '../log/memory-storage';
import { DatabaseLog } from '../log';
import { OvsdbServer } from './ovsdb-server';
import { ServedDatabase, type CompactionPolicy } from './served-database';
import { loadDatabase } from './load-database';
import { parseDatabaseSchema } from '../schema/parse-schema';

export const testSchemaJson = {
  name: 'T',
  version: '1.0.0',
  tables: {
    Sw: {
      columns: {
        name: { type: 'string' },
        ports: { type: { key: { type: 'uuid', refTable: 'Port' }, min: 0, max: 'unlimited' } },
        cfg: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        tags: { type: { key: 'string', min: 0, max: 'unlimited' } },
        n: { type: 'integer' },
        note: { type: { key: 'string', min: 0, max: 1 } },
      },
      isRoot: true,
      indexes: [['name']],
    },
    Port: { columns: { name: { type: 'string' }, up: { type: { key: 'boolean', min: 0, max: 1 } } } },
  },
};

const noTransport: Transport = {
  listen: () => {
    throw new Error('tests attach connections directly');
  },
  connect: () => {
    throw new Error('tests attach connections directly');
  },
};

export interface TestClient {
  readonly rpc: JsonRpcSession;
  readonly conn: FakeConnection;
  /** Notifications received, as [method, params]. */
  readonly notes: Array<[string, JsonValue[]]>;
  /** Sends a request and settles; returns the outcome (undefined if no answer yet). */
  call(method: string, params: JsonValue[]): ReplyOutcome | undefined;
  /** Sends a request without settling; the returned box fills in when the reply arrives. */
  send(method: string, params: JsonValue[]): { outcome?: ReplyOutcome };
  notify(method: string, params: JsonValue[]): void;
  settle(): void;
}

export class Harness {
  readonly clock = new ManualClock();
  readonly storage = new MemoryStorage();
  readonly random = new SeededRandom('server-test');
  server!: OvsdbServer;
  db!: ServedDatabase;
  /** Client ends of every connection, flushed by settleAll. */
  private readonly conns: FakeConnection[] = [];

  constructor(readonly options: { file?: boolean; compaction?: CompactionPolicy; txnHistoryMax?: number; maxBacklogBytes?: number } = {}) {
    if (options.file !== false) DatabaseLog.create(this.storage, '/t.db', testSchemaJson);
    this.start();
  }

  /** (Re)starts the server from the file, as after a restart. */
  start(): void {
    const file = this.options.file !== false;
    if (file) {
      const loaded = loadDatabase(this.storage, '/t.db', this.random.fork('load'));
      this.db = new ServedDatabase(loaded.schema, loaded.db, this.dbOptions(loaded.log));
    } else {
      this.db = new ServedDatabase(parseDatabaseSchema(testSchemaJson), null, this.dbOptions(null));
    }
    this.server = new OvsdbServer({
      clock: this.clock,
      random: this.random.fork('server'),
      transport: noTransport,
      databases: [this.db],
      ...(this.options.maxBacklogBytes !== undefined ? { maxBacklogBytes: this.options.maxBacklogBytes } : {}),
    });
  }

  private dbOptions(file: DatabaseLog | null) {
    return {
      clock: this.clock,
      random: this.random.fork('txn'),
      file,
      ...(this.options.compaction ? { compaction: this.options.compaction } : {}),
      ...(this.options.txnHistoryMax !== undefined ? { txnHistoryMax: this.options.txnHistoryMax } : {}),
    };
  }

  connect(): TestClient {
    const { a, b } = fakeConnectionPair();
    this.server.attach(a);
    const notes: Array<[string, JsonValue[]]> = [];
    const rpc = new JsonRpcSession(b, { notification: (_s, method, params) => notes.push([method, params]) }, { clock: this.clock, probeIntervalMs: 0 });
    const client: TestClient = {
      rpc,
      conn: b,
      notes,
      send: (method, params) => {
        const box: { outcome?: ReplyOutcome } = {};
        rpc.request(method, params, (o) => (box.outcome = o));
        return box;
      },
      call: (method, params) => {
        const box = client.send(method, params);
        this.settleAll();
        return box.outcome;
      },
      notify: (method, params) => rpc.notify(method, params),
      settle: () => this.settleAll(),
    };
    this.conns.push(b);
    return client;
  }

  /** Flushes every connection both ways until nothing moves (bounded). */
  settleAll(): void {
    for (let round = 0; round < 1000; round++) {
      let moved = 0;
      for (const c of this.conns) moved += c.flush() + c.peer.flush();
      if (moved === 0) return;
    }
    throw new Error('settleAll: connections still busy');
  }

  /** A connection without a JSON-RPC client: raw messages in, parsed replies out (for protocol abuse). */
  rawConnect(): { send(message: unknown): void; received: unknown[] } {
    const { a, b } = fakeConnectionPair();
    this.server.attach(a);
    const received: unknown[] = [];
    const dec = new TextDecoder();
    b.setHandler({ data: (bytes) => received.push(...dec.decode(bytes).split(/(?<=})(?={)/).map((t) => JSON.parse(t))), closed: () => {} });
    const self = this;
    this.conns.push(b);
    return {
      send(message: unknown) {
        b.send(new TextEncoder().encode(JSON.stringify(message)));
        self.settleAll();
      },
      received,
    };
  }

  /** Transact helper: the reply's result (throws on a JSON-RPC error or no reply). */
  transact(client: TestClient, ...ops: JsonValue[]): JsonValue {
    const o = client.call('transact', ['T', ...ops]);
    if (!o || o.kind !== 'result') throw new Error(`transact: ${JSON.stringify(o)}`);
    return o.result;
  }
}

export function result(o: ReplyOutcome | undefined): JsonValue {
  if (!o || o.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(o)}`);
  return o.result;
}

export function rpcError(o: ReplyOutcome | undefined): JsonValue {
  if (!o || o.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(o)}`);
  return o.error;
}
