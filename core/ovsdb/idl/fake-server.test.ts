// Test support (no tests here): a Transport whose connections are FakeConnection pairs, and a scripted
// server on the far end (a JsonRpcSession that queues requests for the test to answer).
import type { ConnectCallbacks, Listener, PendingConnect, Transport } from '../../runtime/transport';
import { SeededRandom } from '../../runtime/seeded-random';
import { parseDatabaseSchema } from '../schema/parse-schema';
import type { Json } from '../data/json';
import type { JsonValue } from '../../json/value';
import { JsonRpcSession, type IncomingRequest } from '../jsonrpc/session';
import { FakeConnection, ManualClock, fakeConnectionPair, settle } from '../jsonrpc/test-fakes';
import { IdlClient, type IdlCallbacks, type IdlOptions } from './client';

export const testSchemaJson = {
  name: 'Net',
  version: '1.0.0',
  tables: {
    Sw: {
      columns: {
        name: { type: 'string' },
        ports: { type: { key: { type: 'uuid', refTable: 'Port' }, min: 0, max: 'unlimited' } },
        cfg: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        n: { type: { key: 'integer', min: 0, max: 1 } },
      },
      isRoot: true,
    },
    Port: { columns: { name: { type: 'string' }, up: { type: 'boolean' } } },
  },
} as const;
export const testSchema = parseDatabaseSchema(testSchemaJson as unknown as Json);
export const testSchemaText = JSON.stringify(testSchemaJson);

export const u = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

interface Attempt {
  readonly address: string;
  readonly callbacks: ConnectCallbacks;
  cancelled: boolean;
  answered?: boolean;
}

export class FakeTransport implements Transport {
  readonly attempts: Attempt[] = [];
  listen(): Listener {
    throw new Error('FakeTransport cannot listen');
  }
  connect(address: string, callbacks: ConnectCallbacks): PendingConnect {
    const attempt: Attempt = { address, callbacks, cancelled: false };
    this.attempts.push(attempt);
    return { cancel: () => void (attempt.cancelled = true) };
  }
  /** The newest attempt not yet answered. */
  pending(): Attempt {
    const a = this.attempts[this.attempts.length - 1];
    if (!a || a.cancelled || a.answered) throw new Error(`no pending connection attempt (${this.attempts.length} made)`);
    return a;
  }
}

export class ScriptedServer {
  readonly requests: IncomingRequest[] = [];
  readonly session: JsonRpcSession;
  readonly client: FakeConnection;

  constructor(clock: ManualClock, attempt: Attempt) {
    const { a, b } = fakeConnectionPair();
    this.client = a;
    this.session = new JsonRpcSession(b, { request: (_s, r) => this.requests.push(r) }, { clock, probeIntervalMs: 0 });
    attempt.answered = true;
    attempt.callbacks.connected(a);
  }

  pump(): void {
    settle(this.client);
  }

  /** Takes the next request, which must be `method`. */
  next(method: string): IncomingRequest {
    this.pump();
    const r = this.requests.shift();
    if (!r) throw new Error(`expected a ${method} request, got none`);
    if (r.method !== method) throw new Error(`expected a ${method} request, got ${r.method} ${JSON.stringify(r.params)}`);
    return r;
  }

  reply(r: IncomingRequest, result: JsonValue): void {
    this.session.reply(r.id, result);
    this.pump();
  }

  error(r: IncomingRequest, error: JsonValue): void {
    this.session.replyError(r.id, error);
    this.pump();
  }

  notify(method: string, params: JsonValue[]): void {
    this.session.notify(method, params);
    this.pump();
  }

  /** Resets the connection (as a crash would) and delivers the close events. */
  kill(): void {
    this.client.reset('server killed');
    this.pump();
  }

  /** Answers the _Server steps with a Database row; returns the data monitor request. */
  handshake(row: Partial<Record<'model' | 'connected' | 'leader' | 'index', JsonValue>> = {}, dbName = 'Net'): IncomingRequest {
    this.reply(this.next('get_schema'), { name: '_Server', tables: { Database: { columns: Object.fromEntries(['name', 'model', 'connected', 'leader', 'schema', 'cid', 'sid', 'index'].map((c) => [c, {}])) } } });
    const mon = this.next('monitor_cond');
    const fields: Record<string, JsonValue> = { name: dbName, model: 'standalone', connected: true, leader: true, schema: testSchemaText, ...row };
    this.reply(mon, { Database: { [u(999)]: { initial: fields } } });
    const since = this.next('monitor_cond_since');
    this.reply(this.next('set_db_change_aware'), {});
    return since;
  }
}

export interface Rig {
  readonly clock: ManualClock;
  readonly transport: FakeTransport;
  readonly idl: IdlClient;
  readonly events: string[];
  /** Fires due timers, accepts the pending connection attempt and returns its server. */
  accept(): ScriptedServer;
}

export function makeRig(options: Partial<IdlOptions> = {}, callbacks: IdlCallbacks = {}): Rig {
  const clock = new ManualClock();
  const transport = new FakeTransport();
  const events: string[] = [];
  const idl = new IdlClient({
    database: 'Net',
    remotes: ['unix:/fake/db.sock'],
    transport,
    clock,
    random: new SeededRandom('idl-unit'),
    schema: testSchema,
    probeIntervalMs: 0,
    ...options,
    callbacks: {
      problem: (_i, m) => events.push(`problem: ${m}`),
      synced: (i) => events.push(`synced ${i.lastSyncKind}`),
      disconnected: (_i, r) => events.push(`disconnected: ${r}`),
      ...callbacks,
    },
  });
  return {
    clock,
    transport,
    idl,
    events,
    accept: () => {
      clock.advance(0);
      return new ScriptedServer(clock, transport.pending());
    },
  };
}
