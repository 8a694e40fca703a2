// The IDL client: keeps a Replica of one database in sync with a server, like upstream's ovsdb-idl over
// ovsdb-cs. Pure: a Transport, Clock and Random are handed in; everything is callbacks.
//
// Per connection (upstream's ovsdb-cs state machine):
//   get_schema _Server -> monitor_cond _Server.Database -> check our database's row (clustered: connected,
//   leader when leaderOnly, index never below the highest seen) -> monitor_cond_since (with the last
//   txn id) -> monitoring. A server without _Server gets get_schema + monitor_cond. An error reply to
//   monitor_cond_since falls back to monitor_cond, and that to monitor. A failed check closes the
//   connection and moves on to the next remote.
// Resync: monitor_cond_since with found=true applies only what changed since our last txn id; found=false
//   (or monitor_cond/monitor) replaces the replica, reporting the differences as tracked changes.
// Transactions: see txn.ts for what is sent and txn-reply.ts for the statuses. On success the client sends
//   an "echo" barrier and reports success only when its reply arrives: ovsdb-server flushes pending monitor
//   updates before reading the next request, so our own update is in the replica by then (if the connection
//   drops first, success is reported once the replica has resynced). A transaction whose reply is lost is
//   'try-again' and never resent by the IDL: the caller re-runs its logic against the resynced replica, where
//   the verify waits (and requireAbsent guards) make a second application fail rather than double up.

import type { Clock } from '../../runtime/clock';
import type { Random } from '../../runtime/random';
import type { Transport } from '../../runtime/transport';
import type { DatabaseSchema } from '../schema/types';
import { parseDatabaseSchema } from '../schema/parse-schema';
import { serverSchema } from '../schema/server-schema';
import type { Json } from '../data/json';
import { isUuidString } from '../data/atom';
import { parseCondition } from '../txn/condition';
import { type JsonValue, jsonEqual, jsonExcerpt } from '../../json/value';
import type { JsonRpcSession, ReplyOutcome } from '../jsonrpc/session';
import { assert } from '../../util/assert';
import { Replica } from './replica';
import { type MonitorVersion, parseTableUpdates, type RowUpdate } from './updates';
import { ConditionTracker, type ConditionJson } from './conditions';
import type { BackoffOptions } from './reconnect';
import { ReconnectingSession } from './reconnecting-session';
import { checkServerDatabase, schemaColumns, serverDbColumns, serverDbName } from './server-db';
import { IdlTxn } from './txn';
import { TxnSender } from './txn-sender';
import { composeMonitorRequests, isMonitored, validateMonitorSelection, type MonitorSelection } from './monitor-request';
import { IdlLock } from './lock';
import type { RowInterner } from './row-interner';

type FsmState =
  | 'disconnected' | 'server-schema' | 'server-monitor' | 'data-schema'
  | 'monitor-since' | 'monitor-cond' | 'monitor' | 'monitoring' | 'error' | 'stopped';

/** Where the IDL is: waiting to (re)connect, connecting, or a step of the monitor state machine. */
export type IdlState = Exclude<FsmState, 'disconnected'> | 'backoff' | 'connecting';

export interface IdlCallbacks {
  /** The replica changed (rows or condition seqno); read replica.changes() and clearChanges() as needed. */
  updated?(idl: IdlClient): void;
  /** A monitor reply was applied: the replica is in sync with the server (after each (re)connection). */
  synced?(idl: IdlClient): void;
  disconnected?(idl: IdlClient, reason: string): void;
  /** A connection attempt failed before any session (the IDL retries; a one-shot tool may give up). */
  connectionFailed?(idl: IdlClient, reason: string): void;
  locked?(idl: IdlClient, lock: string): void;
  lockStolen?(idl: IdlClient, lock: string): void;
  /** Something went wrong that the IDL handled (bad update, server refused us); for logs. */
  problem?(idl: IdlClient, message: string): void;
}

export interface IdlOptions {
  readonly database: string;
  readonly remotes: readonly string[];
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: Random;
  /** The schema the replica uses; when absent, the server's. */
  readonly schema?: DatabaseSchema;
  /** Tables to monitor and their columns ('all' or names); default every table and column. */
  readonly monitor?: MonitorSelection;
  /** Refuse clustered servers that are not the leader (upstream's default: true). */
  readonly leaderOnly?: boolean;
  readonly probeIntervalMs?: number;
  readonly backoff?: BackoffOptions;
  /** 3 = monitor_cond_since, 2 = monitor_cond, 1 = monitor. */
  readonly maxMonitorVersion?: MonitorVersion;
  readonly callbacks?: IdlCallbacks;
  /** Shared by replicas in one process (the simulator) so identical rows are one object (DESIGN.md §3a). */
  readonly rowInterner?: RowInterner;
}


const methods: Record<MonitorVersion, string> = { 1: 'monitor', 2: 'monitor_cond', 3: 'monitor_cond_since' };
const notifications: Record<string, MonitorVersion> = { update: 1, update2: 2, update3: 3 };
const zeroTxnId = '00000000-0000-0000-0000-000000000000';

export class IdlClient {
  readonly database: string;
  readonly conditions = new ConditionTracker();
  readonly lock: IdlLock;
  private readonly callbacks: IdlCallbacks;
  private readonly leaderOnlyFlag: boolean;
  private readonly maxVersion: MonitorVersion;
  /** The monitor state machine's state while connected ('disconnected' otherwise). */
  private fsmState: FsmState = 'disconnected';
  private session: JsonRpcSession | null = null;
  private readonly link: ReconnectingSession;
  /** Incremented whenever the state machine restarts: replies to older requests are ignored. */
  private generation = 0;
  private replicaValue: Replica | null;
  private serverReplica = new Replica(serverSchema);
  private monitorVersion: MonitorVersion | 0 = 0;
  /** Whether the _Server Database monitor is active on this connection. */
  private serverMonitored = false;
  private serverColumns: Map<string, Set<string>> | null = null;
  private lastTxnId: string | null = null;
  private minIndex = 0;
  private condChangeInFlight = false;
  private syncKind: 'incremental' | 'full' | null = null;
  private readonly txns: TxnSender;
  /** One stream for every transaction's temporary UUIDs. */
  private readonly txnRandom: Random;
  private readonly monitorId: JsonValue;
  private readonly serverMonitorId: JsonValue = ['monid', serverDbName];

  constructor(private readonly options: IdlOptions) {
    this.database = options.database;
    this.callbacks = options.callbacks ?? {};
    this.leaderOnlyFlag = options.leaderOnly ?? true;
    this.maxVersion = options.maxMonitorVersion ?? 3;
    this.replicaValue = options.schema ? new Replica(options.schema, options.rowInterner ?? null) : null;
    this.monitorId = ['monid', options.database];
    this.txnRandom = options.random.fork('idl-txn');
    this.txns = new TxnSender({
      clock: options.clock,
      database: options.database,
      syncedSession: () => (this.fsmState === 'monitoring' ? this.session : null),
      currentSession: () => this.session,
      lock: () => ({ name: this.lock.name, held: this.lock.hasLock }),
    });
    this.lock = new IdlLock({
      send: (method, name, done) => this.sendLockRequest(method, name, done),
      locked: (name) => this.callbacks.locked?.(this, name),
      stolen: (name) => this.callbacks.lockStolen?.(this, name),
      problem: (message) => this.callbacks.problem?.(this, message),
    });
    if (options.schema) validateMonitorSelection(options.schema, options.monitor);
    this.link = new ReconnectingSession(
      {
        remotes: options.remotes,
        transport: options.transport,
        clock: options.clock,
        random: options.random.fork('idl-remotes'),
        ...(options.backoff ? { backoff: options.backoff } : {}),
        ...(options.probeIntervalMs === undefined ? {} : { probeIntervalMs: options.probeIntervalMs }),
      },
      {
        connected: (session) => this.connected(session),
        notification: (method, params) => this.notification(method, params),
        disconnected: (reason) => this.disconnected(reason),
        problem: (message) => this.callbacks.problem?.(this, message),
        attemptFailed: (reason) => this.callbacks.connectionFailed?.(this, reason),
      },
    );
  }

  get state(): IdlState {
    if (this.fsmState === 'stopped') return 'stopped';
    const link = this.link.state;
    if (link !== 'connected') return link;
    return this.fsmState === 'disconnected' ? 'connecting' : this.fsmState;
  }

  /** The replica, once a schema is known (at once when one was given, else after the first connection). */
  get replica(): Replica | null {
    return this.replicaValue;
  }

  /** True while monitoring: the replica is in sync and transactions may be sent. */
  get isSynced(): boolean {
    return this.state === 'monitoring';
  }

  get remote(): string {
    return this.link.remote;
  }

  /** The last transaction id from monitor_cond_since (null before the first one). */
  get lastTransactionId(): string | null {
    return this.lastTxnId;
  }

  /** How the last monitor reply synced: 'incremental' (monitor_cond_since found our txn id) or 'full'. */
  get lastSyncKind(): 'incremental' | 'full' | null {
    return this.syncKind;
  }

  get monitorMethod(): string | null {
    return this.monitorVersion === 0 ? null : methods[this.monitorVersion];
  }

  /** Stops for good: closes the connection, cancels timers; pending transactions end 'try-again'. */
  stop(): void {
    this.fsmState = 'stopped';
    this.link.stop();
  }

  /** Drops the connection and reconnects (resyncing with monitor_cond_since). */
  forceReconnect(reason = 'reconnect requested'): void {
    this.link.forceReconnect(reason);
  }

  // ---- connection ----

  private connected(session: JsonRpcSession): void {
    this.session = session;
    this.restart();
    this.lock.reconnected();
  }

  private disconnected(reason: string): void {
    this.session = null;
    this.generation++;
    this.monitorVersion = 0;
    this.serverMonitored = false;
    this.condChangeInFlight = false;
    this.lock.disconnected();
    if (this.fsmState !== 'stopped') this.fsmState = 'disconnected';
    this.callbacks.disconnected?.(this, reason);
    if (this.fsmState === 'stopped') this.txns.releaseHeld();
  }

  /** Closes the connection because this server cannot serve us; the next remote is tried. */
  private retry(reason: string): void {
    this.callbacks.problem?.(this, `${this.link.remote}: ${reason}; trying another server`);
    this.session?.close(reason);
  }

  /** Sends a request for the state machine; the reply is dropped if the machine restarted meanwhile. */
  private request(method: string, params: JsonValue[], handle: (outcome: Exclude<ReplyOutcome, { kind: 'closed' }>) => void): void {
    const session = this.session;
    assert(session, () => `IDL: ${method} without a session`);
    const generation = this.generation;
    session.request(method, params, (outcome) => {
      if (generation !== this.generation || outcome.kind === 'closed') return;
      handle(outcome);
    });
  }

  // ---- the monitor state machine ----

  private restart(): void {
    this.generation++;
    this.conditions.sync(this.lastTxnId !== null);
    this.serverReplica = new Replica(serverSchema);
    this.fsmState = 'server-schema';
    this.request('get_schema', [serverDbName], (outcome) => {
      if (outcome.kind !== 'result' || schemaColumns(outcome.result)?.get('Database') === undefined) return this.requestDataSchema();
      const have = schemaColumns(outcome.result)!.get('Database')!;
      const columns = serverDbColumns.filter((c) => have.has(c));
      this.fsmState = 'server-monitor';
      this.request('monitor_cond', [serverDbName, this.serverMonitorId, { Database: [{ columns }] }], (reply) => {
        if (reply.kind !== 'result') return this.requestDataSchema();
        this.serverMonitored = true;
        if (!this.applyServerUpdate(reply.result, true)) return;
        this.session?.request('set_db_change_aware', [true], () => undefined);
      });
    });
  }

  private requestDataSchema(): void {
    this.fsmState = 'data-schema';
    this.request('get_schema', [this.database], (outcome) => {
      if (outcome.kind !== 'result') {
        this.fsmState = 'error';
        return this.callbacks.problem?.(this, `get_schema ${this.database} failed: ${jsonExcerpt(outcome.error)}`);
      }
      if (!this.adoptSchema(outcome.result)) return;
      this.sendMonitor(Math.min(this.maxVersion, 2) as MonitorVersion);
    });
  }

  /** Applies a _Server update and checks our database; false when the connection is being dropped. */
  private applyServerUpdate(json: JsonValue, replace: boolean): boolean {
    let updates: RowUpdate[];
    try {
      updates = parseTableUpdates(json, 2);
    } catch (error) {
      this.retry(`bad _Server update: ${(error as Error).message}`);
      return false;
    }
    if (replace) this.serverReplica.replaceAll(updates);
    else this.serverReplica.applyUpdates(updates);
    const check = checkServerDatabase(this.serverReplica, this.database, this.leaderOnlyFlag, this.minIndex);
    if (!check.ok) {
      this.retry(check.reason);
      return false;
    }
    if (check.index !== null) this.minIndex = check.index;
    if (this.fsmState === 'server-monitor') {
      let schemaJson: JsonValue;
      try {
        schemaJson = JSON.parse(check.schemaText) as JsonValue;
      } catch (error) {
        this.retry(`schema in _Server is not JSON: ${(error as Error).message}`);
        return false;
      }
      if (!this.adoptSchema(schemaJson)) return false;
      this.sendMonitor(this.maxVersion);
    }
    return true;
  }

  /** Records the server's schema (and makes it the replica's when none was given). */
  private adoptSchema(schemaJson: JsonValue): boolean {
    const columns = schemaColumns(schemaJson);
    if (!columns) {
      this.retry('server sent a malformed schema');
      return false;
    }
    this.serverColumns = columns;
    if (!this.replicaValue) {
      try {
        const schema = parseDatabaseSchema(schemaJson as Json);
        validateMonitorSelection(schema, this.options.monitor);
        this.replicaValue = new Replica(schema, this.options.rowInterner ?? null);
      } catch (error) {
        this.fsmState = 'error';
        this.callbacks.problem?.(this, `cannot use the server's schema: ${(error as Error).message}`);
        return false;
      }
    }
    return true;
  }

  private sendMonitor(version: MonitorVersion): void {
    this.fsmState = version === 3 ? 'monitor-since' : version === 2 ? 'monitor-cond' : 'monitor';
    const composed = composeMonitorRequests(this.replicaValue!.schema, this.options.monitor, this.serverColumns ?? new Map(), this.conditions.acked(), version);
    for (const table of composed.missingTables) this.callbacks.problem?.(this, `server's ${this.database} lacks table ${table}; not monitoring it`);
    const params: JsonValue[] = [this.database, this.monitorId, composed.requests];
    if (version === 3) params.push(this.lastTxnId ?? zeroTxnId);
    this.request(methods[version], params, (outcome) => {
      if (outcome.kind === 'error') {
        if (version > 1) return this.sendMonitor((version - 1) as MonitorVersion);
        this.fsmState = 'error';
        return this.callbacks.problem?.(this, `monitor ${this.database} failed: ${jsonExcerpt(outcome.error)}`);
      }
      this.monitorReply(version, outcome.result);
    });
  }

  private monitorReply(version: MonitorVersion, result: JsonValue): void {
    let updatesJson = result;
    let replace = true;
    if (version === 3) {
      if (!(Array.isArray(result) && result.length === 3 && typeof result[0] === 'boolean' && typeof result[1] === 'string' && isUuidString(result[1]))) {
        return this.retry(`bad monitor_cond_since reply format: ${jsonExcerpt(result)}`);
      }
      replace = !result[0];
      this.lastTxnId = result[1].toLowerCase();
      updatesJson = result[2]!;
    } else {
      this.lastTxnId = null;
    }
    let updates: RowUpdate[];
    try {
      updates = parseTableUpdates(updatesJson, version);
    } catch (error) {
      return this.retry(`bad monitor reply: ${(error as Error).message}`);
    }
    this.monitorVersion = version;
    this.fsmState = 'monitoring';
    this.syncKind = replace ? 'full' : 'incremental';
    const replica = this.replicaValue!;
    const before = replica.seqno;
    const problems = replace ? replica.replaceAll(updates) : replica.applyUpdates(updates);
    if (version > 1) this.conditions.monitorAcked();
    this.reportProblems(problems);
    this.sendConditionChange();
    this.txns.releaseHeld();
    this.callbacks.synced?.(this);
    if (replica.seqno !== before) this.callbacks.updated?.(this);
  }

  private reportProblems(problems: readonly { table: string; uuid: string; message: string }[]): void {
    for (const p of problems) this.callbacks.problem?.(this, `${this.database}.${p.table} row ${p.uuid}: ${p.message}`);
  }

  private notification(method: string, params: JsonValue[]): void {
    const version = notifications[method];
    if (version !== undefined) {
      const n = version === 3 ? 3 : 2;
      if (params.length !== n) return this.callbacks.problem?.(this, `${method} must be an array with ${n} elements`);
      if (this.monitorVersion && jsonEqual(params[0]!, this.monitorId)) return this.dataUpdate(version, params);
      if (this.serverMonitored && jsonEqual(params[0]!, this.serverMonitorId) && version === 2) {
        this.applyServerUpdate(params[1]!, false);
        return;
      }
      return;
    }
    if (method === 'locked' || method === 'stolen') return this.lock.notification(method, params);
    if (method === 'monitor_canceled') {
      // The server dropped one of our monitors (e.g. its database was converted): as upstream, cancel the
      // other one too and start over on this connection.
      const id = params[0] ?? null;
      const data = jsonEqual(id, this.monitorId);
      if (!data && !jsonEqual(id, this.serverMonitorId)) return;
      if (data ? this.serverMonitored : this.monitorVersion !== 0) {
        this.session?.request('monitor_cancel', [data ? this.serverMonitorId : this.monitorId], () => undefined);
      }
      this.monitorVersion = 0;
      this.serverMonitored = false;
      this.condChangeInFlight = false;
      this.restart();
    }
  }

  private dataUpdate(version: MonitorVersion, params: JsonValue[]): void {
    if (version === 3) {
      const id = params[1];
      if (typeof id !== 'string' || !isUuidString(id)) return this.callbacks.problem?.(this, `Last-id ${jsonExcerpt(id ?? null)} is not in UUID format.`);
      this.lastTxnId = id.toLowerCase();
    }
    let updates: RowUpdate[];
    try {
      updates = parseTableUpdates(params[version === 3 ? 2 : 1]!, version);
    } catch (error) {
      // The replica may now be missing a change: resync from scratch, as upstream's flag_inconsistency.
      this.lastTxnId = null;
      return this.retry(`bad ${methods[version]} update: ${(error as Error).message}`);
    }
    const replica = this.replicaValue!;
    const before = replica.seqno;
    this.reportProblems(replica.applyUpdates(updates));
    if (replica.seqno !== before) this.callbacks.updated?.(this);
  }

  // ---- conditional monitoring ----

  /**
   * Sets the condition for a table: <condition>s of which a row must match at least one (monitor_cond's
   * rule, ovsdb-server(7)); [] or [false] matches nothing, [true] everything. Returns
   * the conditionSeqno at which the replica will hold exactly the matching rows. Against a server that
   * only knows plain "monitor", conditions are not sent (as upstream) and that seqno is never reached.
   */
  setCondition(table: string, condition: readonly JsonValue[]): number {
    if (!isMonitored(this.options.monitor, table)) throw new Error(`setCondition: table "${table}" is not monitored`);
    const schema = this.replicaValue?.schema ?? null;
    if (schema) {
      const t = schema.tables.get(table);
      if (!t) throw new Error(`setCondition: no table "${table}"`);
      parseCondition(t, condition as Json[], null); // throws naming the bad clause
    }
    const seqno = this.conditions.set(table, condition as ConditionJson);
    this.sendConditionChange();
    return seqno;
  }

  /** Number of condition changes acknowledged by the server. */
  get conditionSeqno(): number {
    return this.conditions.seqno;
  }

  private sendConditionChange(): void {
    if (this.fsmState !== 'monitoring' || this.monitorVersion < 2 || this.condChangeInFlight) return;
    const requests = this.conditions.takeChangeRequests();
    if (!requests) return;
    this.condChangeInFlight = true;
    this.request('monitor_cond_change', [this.monitorId, this.monitorId, requests], (outcome) => {
      this.condChangeInFlight = false;
      if (outcome.kind !== 'result') return this.retry(`monitor_cond_change failed: ${jsonExcerpt(outcome.error)}`);
      this.conditions.ack();
      this.callbacks.updated?.(this);
      this.sendConditionChange();
    });
  }

  // ---- locks ----

  private sendLockRequest(method: string, name: string, done: (outcome: ReplyOutcome) => void): boolean {
    if (!this.session) return false;
    this.session.request(method, [name], done);
    return true;
  }

  // ---- transactions ----

  /** A new transaction against the replica (which must exist: a schema was given or the server's is known). */
  transaction(): IdlTxn {
    const replica = this.replicaValue;
    if (!replica) throw new Error('IDL has no schema yet: wait for the first sync or pass one in the options');
    return new IdlTxn(replica, this.txnRandom, (txn, done) => this.txns.submit(txn, done));
  }
}

/** For tests and tools: a condition clause list that matches rows whose `column` equals any of `values`. */
export function conditionAnyOf(column: string, values: readonly JsonValue[]): JsonValue[] {
  return values.length === 0 ? [false] : values.map((v) => [column, '==', v]);
}
