// One client connection of the OVSDB server: the RFC 7047 / ovsdb-server(7) methods, its pending
// transactions ("triggers": every transact is one, and one that waits stays until it can finish, times out,
// is cancelled or the client goes), its monitors and its locks. Replies and errors use upstream's wording.

import type { TimerHandle } from '../../runtime/clock';
import type { JsonValue } from '../../json/value';
import { JsonRpcSession, type IncomingRequest } from '../jsonrpc/session';
import type { Json, JsonObject } from '../data/json';
import { jsonToString } from '../data/json';
import { OvsdbError, ovsdbError, syntaxError } from '../data/error';
import { isId, isUuidString } from '../data/atom';
import { executeTransaction } from '../txn/execute';
import type { ServedDatabase } from './served-database';
import { parseMonitorRequests, type MonitorVersion } from './monitor-request';
import { ClientMonitor, notificationMethod } from './client-monitor';
import { UpdateCache, mergeChanges } from './update-cache';
import type { LockHolder } from './locks';
import type { OvsdbServer } from './ovsdb-server';
import { zeroUuid } from './uuid';

/** Bound on transactions one client may have waiting at once. */
export const maxTriggersPerSession = 10_000;
/** Bound on monitors one client may hold. */
export const maxMonitorsPerSession = 10_000;

interface Trigger {
  readonly id: JsonValue;
  readonly key: string;
  readonly db: ServedDatabase;
  readonly params: Json;
  readonly startMs: number;
  timer: TimerHandle | null;
}

const monitorVersions: Record<string, MonitorVersion> = { monitor: 1, monitor_cond: 2, monitor_cond_since: 3 };

function asJson(v: JsonValue | JsonValue[]): Json {
  return v as Json;
}

export class ClientSession implements LockHolder {
  readonly rpc: JsonRpcSession;
  private readonly monitors = new Map<string, ClientMonitor>();
  private readonly triggers = new Map<string, Trigger>();
  dbChangeAware = false;

  constructor(
    private readonly server: OvsdbServer,
    rpcFactory: (handlers: ConstructorParameters<typeof JsonRpcSession>[1]) => JsonRpcSession,
  ) {
    this.rpc = rpcFactory({
      request: (_s, req) => this.request(req),
      notification: (_s, method, params) => this.notification(method, params),
      closed: (_s, reason) => this.closed(reason),
    });
  }

  get monitorCount(): number {
    return this.monitors.size;
  }

  get pendingTransactions(): number {
    return this.triggers.size;
  }

  notifyLock(method: 'locked' | 'stolen', lock: string): void {
    this.rpc.notify(method, [lock]);
  }

  /** Sends this client's monitors their part of a commit on `db` (called for every commit). */
  onCommit(db: ServedDatabase, cache: UpdateCache, txnId: string): void {
    for (const m of this.monitors.values()) {
      if (m.db !== db || !this.rpc.isOpen) continue;
      const parts = m.updateParts(cache);
      if (parts.length === 0) continue;
      const bytes = cache.encode(notificationMethod[m.version], m.id, m.version === 3 ? txnId : null, parts);
      this.sendEncoded(bytes);
    }
  }

  /**
   * Sends pre-encoded bytes (shared between clients) with the same backlog rule JsonRpcSession applies to
   * its own sends: past maxBacklogBytes unsent, this client is disconnected and nobody else is affected.
   */
  private sendEncoded(bytes: Uint8Array): void {
    if (!this.rpc.isOpen) return;
    const conn = this.rpc.connection;
    conn.send(bytes);
    const backlog = conn.bufferedBytes();
    if (backlog > this.rpc.maxBacklogBytes) this.rpc.close(`send backlog of ${backlog} bytes exceeds maxBacklogBytes (${this.rpc.maxBacklogBytes})`);
  }

  /** Re-runs this client's waiting transactions on `db`, oldest first. */
  retryTriggers(db: ServedDatabase): void {
    for (const t of [...this.triggers.values()]) {
      if (t.db === db && this.triggers.get(t.key) === t) this.runTrigger(t);
    }
  }

  private sendUpdate(m: ClientMonitor, u: JsonObject, txnId: string): void {
    const params = m.version === 3 ? [asJson(m.id), txnId, u] : [asJson(m.id), u];
    this.rpc.notify(notificationMethod[m.version], params as unknown as JsonValue[]);
  }

  private replyError(id: JsonValue, e: unknown): void {
    if (e instanceof OvsdbError) return this.rpc.replyError(id, e.toJson() as unknown as JsonValue);
    throw e;
  }

  private lookupDb(req: IncomingRequest): ServedDatabase | null {
    const first = req.params[0];
    if (typeof first !== 'string') {
      this.replyError(req.id, syntaxError(asJson(req.params), null, `${req.method} request params must begin with <db-name>`));
      return null;
    }
    const db = this.server.database(first);
    if (!db) {
      this.replyError(req.id, syntaxError(asJson(req.params), 'unknown database', `${req.method} request specifies unknown database ${first}`));
      return null;
    }
    return db;
  }

  private request(req: IncomingRequest): void {
    try {
      this.dispatch(req);
    } catch (e) {
      this.replyError(req.id, e);
    }
  }

  private dispatch(req: IncomingRequest): void {
    const { method, params, id } = req;
    switch (method) {
      case 'transact': {
        const db = this.lookupDb(req);
        if (db) this.transact(db, req);
        return;
      }
      case 'monitor':
      case 'monitor_cond':
      case 'monitor_cond_since': {
        const db = this.lookupDb(req);
        if (db) this.createMonitor(db, req, monitorVersions[method]!);
        return;
      }
      case 'monitor_cond_change':
        return this.changeMonitor(req);
      case 'monitor_cancel': {
        if (params.length !== 1) return this.rpc.replyError(id, 'invalid parameters');
        const key = jsonToString(asJson(params[0]!));
        if (!this.monitors.delete(key)) return this.rpc.replyError(id, 'unknown monitor');
        return this.rpc.reply(id, {});
      }
      case 'get_schema': {
        const db = this.lookupDb(req);
        if (db) this.rpc.reply(id, db.schemaJson as unknown as JsonValue);
        return;
      }
      case 'list_dbs':
        return this.rpc.reply(id, this.server.databaseNames());
      case 'get_server_id':
        return this.rpc.reply(id, this.server.serverId);
      case 'lock':
      case 'steal':
        return this.lock(req, method === 'lock' ? 'wait' : 'steal');
      case 'unlock':
        return this.unlock(req);
      case 'set_db_change_aware':
        if (params.length !== 1 || typeof params[0] !== 'boolean') {
          throw syntaxError(asJson(params), null, 'set_db_change_aware: true or false parameter expected');
        }
        this.dbChangeAware = params[0];
        return this.rpc.reply(id, {});
      default:
        return this.rpc.replyError(id, 'unknown method');
    }
  }

  private notification(method: string, params: JsonValue[]): void {
    if (method !== 'cancel' || params.length !== 1) return;
    const t = this.triggers.get(jsonToString(asJson(params[0]!)));
    if (!t) return;
    this.finishTrigger(t);
    this.rpc.replyError(t.id, 'canceled');
  }

  // --- transactions ---

  private transact(db: ServedDatabase, req: IncomingRequest): void {
    const key = jsonToString(asJson(req.id));
    if (this.triggers.has(key)) throw syntaxError(asJson(req.params), null, 'transact: duplicate request ID');
    if (this.triggers.size >= maxTriggersPerSession) {
      return this.rpc.replyError(req.id, `more than ${maxTriggersPerSession} transactions waiting on this connection`);
    }
    const t: Trigger = { id: req.id, key, db, params: asJson(req.params), startMs: this.server.clock.nowMs(), timer: null };
    this.triggers.set(key, t);
    this.runTrigger(t);
  }

  private finishTrigger(t: Trigger): void {
    t.timer?.cancel();
    t.timer = null;
    this.triggers.delete(t.key);
  }

  private runTrigger(t: Trigger): void {
    const now = this.server.clock.nowMs();
    const out = executeTransaction(t.db.db, t.params, {
      random: this.server.random,
      // Whole milliseconds, as upstream's time_msec() (error texts quote the number).
      elapsedMs: Math.floor(now) - Math.floor(t.startMs),
      isLockOwned: (lock) => this.server.locks.owner(lock) === this,
    });
    if (out.kind === 'blocked') {
      if (out.timeoutMs !== null && t.timer === null) {
        t.timer = this.server.clock.setTimer(Math.max(0, t.startMs + out.timeoutMs - now), () => {
          t.timer = null;
          if (this.triggers.get(t.key) === t) this.runTrigger(t);
        });
      }
      return;
    }
    this.finishTrigger(t);
    let result = out.result;
    const cs = out.changeSet;
    let committed = false;
    if (cs !== null && cs.changes.length > 0) {
      try {
        this.server.commit(t.db, cs);
        committed = true;
      } catch (e) {
        result = [...(result as readonly Json[]), ovsdbError('I/O error', `commit failed: ${e instanceof Error ? e.message : String(e)}`).toJson()];
      }
    } else if (cs !== null && cs.durable && t.db.file) {
      try {
        t.db.file.commit();
      } catch (e) {
        result = [...(result as readonly Json[]), ovsdbError('I/O error', `commit failed: ${e instanceof Error ? e.message : String(e)}`).toJson()];
      }
    }
    this.rpc.reply(t.id, result as unknown as JsonValue);
    if (committed) this.server.runTriggers(t.db);
  }

  // --- monitors ---

  private createMonitor(db: ServedDatabase, req: IncomingRequest, version: MonitorVersion): void {
    const { params, id } = req;
    if (params.length !== (version === 3 ? 4 : 3)) throw syntaxError(asJson(params), null, 'invalid parameters');
    const monitorId = params[1]!;
    const key = jsonToString(asJson(monitorId));
    if (this.monitors.has(key)) throw syntaxError(asJson(monitorId), null, 'duplicate monitor ID');
    if (this.monitors.size >= maxMonitorsPerSession) throw ovsdbError('resources exhausted', `more than ${maxMonitorsPerSession} monitors`);
    const specs = parseMonitorRequests(db.schema, asJson(params[2]!), version >= 2);
    let since: string | null = null;
    if (version === 3) {
      const last = params[3];
      if (typeof last !== 'string' || !isUuidString(last)) throw syntaxError(asJson(last ?? null), null, 'last-txn-id must be UUID format.');
      since = last;
    }
    const m = new ClientMonitor(monitorId, db, version, specs);
    this.monitors.set(key, m);
    if (version !== 3) return this.rpc.reply(id, m.initial(this.server.initialCache(db)) as unknown as JsonValue);
    const history = since === zeroUuid ? null : db.changesSince(since!);
    if (history === null) {
      const initial = m.initial(this.server.initialCache(db));
      return this.rpc.reply(id, [false, db.lastTxnId, initial as unknown as JsonValue]);
    }
    const merged = new UpdateCache(mergeChanges(history.map((t) => t.changeSet.changes)));
    this.rpc.reply(id, [true, db.lastTxnId, (m.update(merged) ?? {}) as unknown as JsonValue]);
  }

  private changeMonitor(req: IncomingRequest): void {
    const { params, id } = req;
    if (params.length !== 3) throw syntaxError(asJson(params), null, 'invalid parameters');
    const oldKey = jsonToString(asJson(params[0]!));
    const m = this.monitors.get(oldKey);
    if (!m) throw syntaxError(asJson(params[0]!), null, 'unknown monitor session');
    const newKey = jsonToString(asJson(params[1]!));
    if (newKey !== oldKey && this.monitors.has(newKey)) throw syntaxError(asJson(params[1]!), null, 'duplicate monitor ID');
    const update = m.changeConditions(asJson(params[2]!));
    this.monitors.delete(oldKey);
    m.id = params[1]!;
    this.monitors.set(newKey, m);
    if (update !== null) this.sendUpdate(m, update, m.db.lastTxnId);
    this.rpc.reply(id, {});
  }

  // --- locks ---

  private lockName(req: IncomingRequest): string {
    const p = req.params;
    if (p.length !== 1 || typeof p[0] !== 'string' || !isId(p[0])) {
      throw syntaxError(asJson(p), null, `${req.method} request params must be <id>`);
    }
    return p[0];
  }

  private lock(req: IncomingRequest, mode: 'wait' | 'steal'): void {
    const name = this.lockName(req);
    if (this.server.locks.isWaiting(this, name)) {
      throw syntaxError(asJson(req.params), null, `must issue "unlock" before new "${req.method}"`);
    }
    const locked = this.server.locks.lock(this, name, mode);
    this.rpc.reply(req.id, { locked });
  }

  private unlock(req: IncomingRequest): void {
    const name = this.lockName(req);
    if (!this.server.locks.isWaiting(this, name)) {
      throw syntaxError(asJson(req.params), null, 'unlock: "unlock" without "lock" or "steal"');
    }
    this.server.locks.unlock(this, name);
    this.rpc.reply(req.id, {});
  }

  private closed(reason: string): void {
    for (const t of this.triggers.values()) t.timer?.cancel();
    this.triggers.clear();
    this.monitors.clear();
    for (const lock of this.server.locks.locksOf(this)) this.server.locks.unlock(this, lock);
    this.server.sessionClosed(this, reason);
  }
}
