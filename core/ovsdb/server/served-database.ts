// One database an OVSDB server serves: the in-memory Database, its standalone file (or none, for
// in-memory and the built-in _Server database), a bounded history of recent transactions for
// monitor_cond_since, and the commit path.
//
// Commit order is "persist, then apply, then tell": the record is appended to the file (and fsynced when
// the transaction asked for durability) before the change is applied in memory, so nothing a client can
// observe (monitor update or reply) is ever ahead of the disk. A failed write leaves memory unchanged.
// Online compaction follows upstream's rule: once the file has grown past a floor and several times its
// size after the last compaction, and not more often than a minimum interval.

import type { Clock } from '../../runtime/clock';
import type { Random } from '../../runtime/random';
import type { Json } from '../data/json';
import { jsonToString } from '../data/json';
import { schemaToJson } from '../schema/schema-json';
import type { DatabaseSchema } from '../schema/types';
import { Database } from '../txn/database';
import type { ChangeSet } from '../txn/change-set';
import type { DatabaseLog } from '../log';
import { changeSetToRecord, snapshotRecord, toJsonValue } from './log-record';
import { randomUuid, zeroUuid } from './uuid';
import { assert } from '../../util/assert';


export interface CompactionPolicy {
  /** Never compact a file smaller than this. Upstream: 10 MB. */
  readonly minBytes: number;
  /** Compact once the file is this many times its size right after the previous compaction. Upstream: 4. */
  readonly growthFactor: number;
  /** At most one automatic compaction per this interval. Upstream: 10 minutes. */
  readonly minIntervalMs: number;
}

export const defaultCompactionPolicy: CompactionPolicy = { minBytes: 10 * 1024 * 1024, growthFactor: 4, minIntervalMs: 10 * 60_000 };
/** Transactions kept for monitor_cond_since (upstream keeps at least 100 for clustered databases). */
export const defaultTxnHistoryMax = 100;
/** Row changes kept in that history at most (a few huge transactions must not pin unbounded memory). */
export const defaultTxnHistoryMaxRows = 200_000;

export interface CommittedTxn {
  readonly id: string;
  readonly changeSet: ChangeSet;
}

export interface ServedDatabaseOptions {
  readonly clock: Clock;
  readonly random: Random;
  readonly file?: DatabaseLog | null;
  readonly compaction?: CompactionPolicy;
  /** 0 disables the history: monitor_cond_since then always answers found=false, like upstream standalone. */
  readonly txnHistoryMax?: number;
  readonly txnHistoryMaxRows?: number;
  readonly log?: (level: 'info' | 'warn' | 'err', message: string) => void;
}

export class ServedDatabase {
  readonly db: Database;
  readonly schemaJson: Json;
  /** The schema as the compact sorted text the _Server database shows. */
  readonly schemaText: string;
  readonly file: DatabaseLog | null;
  readonly txnHistoryMax: number;
  private readonly history: CommittedTxn[] = [];
  private historyRows = 0;
  private readonly txnHistoryMaxRows: number;
  private lastId = zeroUuid;
  /** Id of the transaction just before history[0] (the last one dropped), or zeros. */
  private historyBaseId = zeroUuid;
  private sizeAfterCompactBytes: number;
  private lastCompactMs: number;
  private readonly compaction: CompactionPolicy;
  /** Commits applied since opening (for reports and tests). */
  commits = 0;

  constructor(
    readonly schema: DatabaseSchema,
    db: Database | null,
    private readonly options: ServedDatabaseOptions,
  ) {
    this.db = db ?? new Database(schema);
    assert(this.db.schema === schema, () => `ServedDatabase ${schema.name}: database and schema differ`);
    this.schemaJson = schemaToJson(schema);
    this.schemaText = jsonToString(this.schemaJson);
    this.file = options.file ?? null;
    this.txnHistoryMax = options.txnHistoryMax ?? defaultTxnHistoryMax;
    this.txnHistoryMaxRows = options.txnHistoryMaxRows ?? defaultTxnHistoryMaxRows;
    this.compaction = options.compaction ?? defaultCompactionPolicy;
    this.sizeAfterCompactBytes = this.file?.size ?? 0;
    this.lastCompactMs = options.clock.nowMs();
  }

  get name(): string {
    return this.schema.name;
  }

  /** Id of the last committed transaction (all zeros before the first, or when history is off). */
  get lastTxnId(): string {
    return this.lastId;
  }

  /**
   * Persists and applies a change set computed on the current generation; returns the transaction id.
   * Throws (with memory unchanged) when the file cannot be written.
   */
  commit(cs: ChangeSet): CommittedTxn {
    if (this.file) {
      const record = changeSetToRecord(cs, this.options.clock.wallClockMs());
      if (record) this.file.append(record, { durable: cs.durable });
      else if (cs.durable) this.file.commit();
    }
    this.db.apply(cs);
    this.commits++;
    const txn: CommittedTxn = { id: this.txnHistoryMax > 0 ? randomUuid(this.options.random) : zeroUuid, changeSet: cs };
    this.lastId = txn.id;
    if (this.txnHistoryMax > 0) {
      this.history.push(txn);
      this.historyRows += cs.changes.length;
      while (this.history.length > this.txnHistoryMax || (this.history.length > 0 && this.historyRows > this.txnHistoryMaxRows)) {
        const dropped = this.history.shift()!;
        this.historyRows -= dropped.changeSet.changes.length;
        this.historyBaseId = dropped.id;
      }
    }
    this.maybeCompact();
    return txn;
  }

  /** The transactions after `id`, or null when `id` is not in the history (then a full resync is needed). */
  changesSince(id: string): CommittedTxn[] | null {
    if (this.txnHistoryMax === 0) return null;
    if (id === zeroUuid) return null;
    if (id === this.lastId) return [];
    if (id === this.historyBaseId) return this.history.slice();
    const i = this.history.findIndex((t) => t.id === id);
    return i < 0 ? null : this.history.slice(i + 1);
  }

  /** Rewrites the file as schema + one snapshot record. Returns an error text, or null on success. */
  compact(): string | null {
    if (!this.file) return null;
    try {
      this.file.compact(toJsonValue(this.schemaJson), snapshotRecord(this.db, this.options.clock.wallClockMs()));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.options.log?.('err', `${this.name}: compaction failed: ${why}`);
      return `compaction of ${this.name} failed: ${why}`;
    }
    this.sizeAfterCompactBytes = this.file.size;
    this.lastCompactMs = this.options.clock.nowMs();
    this.options.log?.('info', `${this.name}: compacted database to ${this.file.size} bytes`);
    return null;
  }

  private maybeCompact(): void {
    if (!this.file) return;
    const p = this.compaction;
    const size = this.file.size;
    if (size < p.minBytes || size < p.growthFactor * this.sizeAfterCompactBytes) return;
    if (this.options.clock.nowMs() - this.lastCompactMs < p.minIntervalMs) return;
    this.compact();
  }
}
