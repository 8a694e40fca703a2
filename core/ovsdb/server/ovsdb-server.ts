// A standalone OVSDB server (ovsdb-server(1), RFC 7047, ovsdb-server(7)), pure: it is handed a Clock,
// Random, Transport and log function, serves any number of databases (plus the built-in _Server) on any
// number of passive remotes, and never touches the world except through them.
//
// Every commit is fanned out synchronously, in one place: persist (ServedDatabase.commit), send every
// monitoring client its update (composed once per distinct monitor spec, UpdateCache), then the
// committing client's reply, then re-run transactions waiting on that database. So a client always sees
// the updates for its own transaction before the reply, as ovsdb-server(7) promises.

import type { Clock } from '../../runtime/clock';
import type { Random } from '../../runtime/random';
import type { Connection, Listener, Transport } from '../../runtime/transport';
import type { LogLevel } from '../../runtime/index';
import { JsonRpcSession } from '../jsonrpc/session';
import type { ChangeSet } from '../txn/change-set';
import { assert } from '../../util/assert';
import type { ServedDatabase } from './served-database';
import { createServerDatabase } from './server-database';
import { ClientSession } from './client-session';
import { InitialCache, UpdateCache } from './update-cache';
import { LockTable } from './locks';
import { randomUuid } from './uuid';

/** Upstream's default inactivity probe for TCP remotes; unix sockets are not probed (as upstream). */
export const defaultTcpProbeIntervalMs = 5000;
/** Bound on passes over waiting transactions after one commit (each pass may commit again). */
export const maxTriggerPassesPerCommit = 10_000;

export interface OvsdbServerOptions {
  readonly clock: Clock;
  readonly random: Random;
  readonly transport: Transport;
  readonly databases: readonly ServedDatabase[];
  readonly log?: (level: LogLevel, message: string) => void;
  /** Inactivity probe for TCP clients (0 disables); default upstream's 5 s. */
  readonly tcpProbeIntervalMs?: number;
  /** Per-client bound on unsent bytes; a slower client is disconnected. Default: JsonRpcSession's. */
  readonly maxBacklogBytes?: number;
  readonly maxMessageBytes?: number;
}

export interface ServerStats {
  commits: number;
  /** Table updates composed, serialized, and notifications encoded: each once per distinct spec/id. */
  updateCompositions: number;
  updateSerializations: number;
  notificationEncodings: number;
  updatesSent: number;
  sessionsOpened: number;
  sessionsClosed: number;
}

export class OvsdbServer {
  readonly serverId: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly locks = new LockTable<ClientSession>();
  readonly serverDb: ServedDatabase;
  readonly stats: ServerStats = { commits: 0, updateCompositions: 0, updateSerializations: 0, notificationEncodings: 0, updatesSent: 0, sessionsOpened: 0, sessionsClosed: 0 };
  private readonly dbs = new Map<string, ServedDatabase>();
  private readonly sessions = new Set<ClientSession>();
  private readonly listeners: Listener[] = [];
  private readonly initialCaches = new Map<ServedDatabase, InitialCache>();
  private triggerRun: Set<ServedDatabase> | null = null;

  constructor(private readonly options: OvsdbServerOptions) {
    this.clock = options.clock;
    this.random = options.random;
    this.serverId = randomUuid(options.random);
    for (const db of options.databases) {
      assert(!this.dbs.has(db.name) && !db.name.startsWith('_'), () => `OvsdbServer: database ${db.name} served twice or reserved`);
      this.dbs.set(db.name, db);
    }
    this.serverDb = createServerDatabase(options.clock, options.random, options.databases);
    this.dbs.set(this.serverDb.name, this.serverDb);
  }

  database(name: string): ServedDatabase | undefined {
    return this.dbs.get(name);
  }

  /** Served database names, sorted (the order `ovsdb-server/list-dbs` prints). */
  databaseNames(): string[] {
    return [...this.dbs.keys()].sort();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get clientSessions(): readonly ClientSession[] {
    return [...this.sessions];
  }

  /** Starts serving a passive remote (punix:PATH, ptcp:PORT[:IP]). */
  listen(address: string, onReady?: (error: Error | null, boundAddress: string) => void): Listener {
    const probe = address.startsWith('ptcp:') ? (this.options.tcpProbeIntervalMs ?? defaultTcpProbeIntervalMs) : 0;
    const listener = this.options.transport.listen(address, {
      accepted: (conn) => this.attach(conn, probe),
      listening: (bound) => {
        this.log('info', `listening on ${bound}`);
        onReady?.(null, bound);
      },
      failed: (err) => {
        this.log('err', `${address}: listen failed (${err.message})`);
        onReady?.(err, address);
      },
    });
    this.listeners.push(listener);
    return listener;
  }

  /** Serves one already-established connection (remotes call this; tests may too). */
  attach(conn: Connection, probeIntervalMs = 0): ClientSession {
    const session = new ClientSession(this, (handlers) =>
      new JsonRpcSession(conn, handlers, {
        clock: this.clock,
        probeIntervalMs,
        ...(this.options.maxBacklogBytes !== undefined ? { maxBacklogBytes: this.options.maxBacklogBytes } : {}),
        ...(this.options.maxMessageBytes !== undefined ? { maxMessageBytes: this.options.maxMessageBytes } : {}),
      }));
    if (session.rpc.isOpen) {
      this.sessions.add(session);
      this.stats.sessionsOpened++;
    }
    return session;
  }

  sessionClosed(session: ClientSession, reason: string): void {
    if (this.sessions.delete(session)) {
      this.stats.sessionsClosed++;
      this.log('dbg', `${session.rpc.connection.name}: connection closed: ${reason}`);
    }
  }

  initialCache(db: ServedDatabase): InitialCache {
    let c = this.initialCaches.get(db);
    if (!c) this.initialCaches.set(db, (c = new InitialCache()));
    return c;
  }

  /** Persists and applies `cs`, then sends every monitoring client its update. Throws on a write failure. */
  commit(db: ServedDatabase, cs: ChangeSet): void {
    const txn = db.commit(cs);
    this.stats.commits++;
    const cache = new UpdateCache(cs.changes);
    for (const s of [...this.sessions]) s.onCommit(db, cache, txn.id);
    this.stats.updateCompositions += cache.compositions;
    this.stats.updateSerializations += cache.serializations;
    this.stats.notificationEncodings += cache.encodings;
  }

  /** Re-runs waiting transactions on `db` until a pass commits nothing (re-entrant calls join the loop). */
  runTriggers(db: ServedDatabase): void {
    if (this.triggerRun) {
      this.triggerRun.add(db);
      return;
    }
    this.triggerRun = new Set([db]);
    try {
      for (let pass = 0; this.triggerRun.size > 0; pass++) {
        assert(pass < maxTriggerPassesPerCommit, 'OvsdbServer: waiting transactions keep committing');
        const dbs = [...this.triggerRun];
        this.triggerRun.clear();
        for (const d of dbs) for (const s of [...this.sessions]) s.retryTriggers(d);
      }
    } finally {
      this.triggerRun = null;
    }
  }

  /** Compacts one database or all of them; returns an error text or null (ovsdb-server/compact). */
  compact(name?: string): string | null {
    if (name !== undefined) {
      const db = this.dbs.get(name);
      if (!db) return 'no database by that name';
      if (db === this.serverDb) return 'cannot compact built-in databases';
      return db.compact();
    }
    for (const db of this.dbs.values()) {
      if (db === this.serverDb) continue;
      const err = db.compact();
      if (err) return err;
    }
    return null;
  }

  close(): void {
    for (const l of this.listeners.splice(0)) l.close();
    for (const s of [...this.sessions]) s.rpc.close('server shutting down');
  }

  private log(level: LogLevel, message: string): void {
    this.options.log?.(level, message);
  }
}
