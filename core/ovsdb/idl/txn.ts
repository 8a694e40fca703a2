// An IDL transaction: changes built against the replica and sent as one RFC 7047 "transact", with
// optimistic concurrency as upstream's ovsdb_idl_txn:
// - Every column the transaction reads through read() (or names in verify()) is checked at commit with a
//   "wait" operation ("until": "==", timeout 0) on that row holding the value that was read. Rows it
//   updates, mutates or deletes get such a wait too (with no columns when nothing was read), so a row
//   deleted meanwhile fails the transaction instead of the update silently matching nothing.
//   A failed wait makes ovsdb-server answer "timed out": the status is 'try-again'.
// - requireAbsent(table, where) adds a wait that no row matches: the guard that makes an insert safe to
//   retry (if a previous attempt whose reply was lost did commit, the retry fails instead of duplicating).
// - Inserted rows get a temporary UUID at once; references to it anywhere in the transaction are sent as
//   ["named-uuid", "row<uuid with _>"] (upstream's naming), and the result maps each temporary UUID to the
//   one the server assigned.
// The builder is pure data until commit(); the client sends it and reports the outcome.

import type { Random } from '../../runtime/random';
import type { ColumnSchema, TableSchema } from '../schema/types';
import { type Datum, datumEquals, datumToJson, defaultDatum } from '../data/datum';
import type { Json } from '../data/json';
import type { SymbolTable } from '../data/atom';
import { zeroUuid } from '../data/datum';
import { parseMutations } from '../txn/mutation';
import { parseCondition } from '../txn/condition';
import type { JsonValue } from '../../json/value';
import { assert } from '../../util/assert';
import type { Replica } from './replica';

export type TxnStatus = 'success' | 'try-again' | 'error' | 'not-locked' | 'unchanged' | 'aborted';

export interface TxnResult {
  readonly status: TxnStatus;
  /** Why, for every status but success and unchanged. */
  readonly error?: string;
  /** Temporary UUID (from insert()) -> UUID assigned by the server; filled on success. */
  readonly insertedUuids: ReadonlyMap<string, string>;
}

/** Bound on operations in one transaction (each row change and wait is one). */
export const maxTxnOperations = 100_000;

interface RowState {
  readonly table: TableSchema;
  readonly uuid: string;
  readonly inserted: boolean;
  deleted: boolean;
  /** Columns read: value seen at read time. */
  readonly reads: Map<ColumnSchema, Datum>;
  readonly writes: Map<ColumnSchema, Datum>;
  readonly mutations: JsonValue[];
}

/** A random (version 4) UUID from the component's Random. */
export function randomUuid(random: Random): string {
  const b = random.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Upstream's ovsdb_data_row_name: the uuid-name of an inserted row. */
export function rowName(uuid: string): string {
  return `row${uuid.replace(/-/g, '_')}`;
}

const anyNameSymtab: SymbolTable = { resolve: () => zeroUuid };

function whereUuid(uuid: string): JsonValue {
  return [['_uuid', '==', ['uuid', uuid]]];
}

export class IdlTxn {
  private readonly rows = new Map<string, RowState>();
  private readonly absent: JsonValue[] = [];
  private readonly comments: string[] = [];
  /** Order of first touch, so operations come out deterministically. */
  private readonly order: RowState[] = [];
  private finished = false;

  constructor(
    private readonly replica: Replica,
    private readonly random: Random,
    private readonly submit: (txn: IdlTxn, done: (result: TxnResult) => void) => void,
  ) {}

  private key(table: string, uuid: string): string {
    return `${table}\u0000${uuid}`;
  }

  private state(table: string, uuid: string): RowState {
    assert(!this.finished, 'transaction already committed or aborted');
    const existing = this.rows.get(this.key(table, uuid));
    if (existing) return existing;
    const schema = this.replica.tableSchema(table);
    if (!this.replica.row(table, uuid)) throw new Error(`no ${table} row ${uuid} in the replica`);
    const s: RowState = { table: schema, uuid, inserted: false, deleted: false, reads: new Map(), writes: new Map(), mutations: [] };
    this.rows.set(this.key(table, uuid), s);
    this.order.push(s);
    return s;
  }

  private column(s: RowState, name: string): ColumnSchema {
    const c = s.table.columnsByName.get(name);
    if (!c) throw new Error(`table ${s.table.name} has no column "${name}"`);
    return c;
  }

  /** Inserts a row; returns its temporary UUID (usable in references and later calls in this txn). */
  insert(table: string, values: Readonly<Record<string, Datum>> = {}): string {
    assert(!this.finished, 'transaction already committed or aborted');
    const schema = this.replica.tableSchema(table);
    const uuid = randomUuid(this.random);
    const s: RowState = { table: schema, uuid, inserted: true, deleted: false, reads: new Map(), writes: new Map(), mutations: [] };
    this.rows.set(this.key(table, uuid), s);
    this.order.push(s);
    for (const [name, datum] of Object.entries(values)) s.writes.set(this.column(s, name), datum);
    return uuid;
  }

  /** Reads a column (the value this transaction wrote, else the replica's) and records the read for verify. */
  read(table: string, uuid: string, column: string): Datum {
    const s = this.state(table, uuid);
    const c = this.column(s, column);
    const written = s.writes.get(c);
    if (written) return written;
    if (s.inserted) return defaultDatum(c.type);
    const value = this.replica.get(table, uuid, column);
    assert(value !== undefined, () => `no value for ${table} ${uuid} ${column}`);
    if (!s.reads.has(c)) s.reads.set(c, value);
    return value;
  }

  /** Requires that the column still holds the value in the replica when the transaction commits. */
  verify(table: string, uuid: string, column: string): void {
    const s = this.state(table, uuid);
    if (s.inserted) return;
    const c = this.column(s, column);
    if (!s.reads.has(c)) s.reads.set(c, this.replica.get(table, uuid, column)!);
  }

  /** Writes a column of a replica row or of a row inserted in this transaction. */
  set(table: string, uuid: string, column: string, value: Datum): void {
    const s = this.state(table, uuid);
    if (s.deleted) throw new Error(`${table} row ${uuid} was deleted in this transaction`);
    s.writes.set(this.column(s, column), value);
  }

  delete(table: string, uuid: string): void {
    const s = this.state(table, uuid);
    s.deleted = true;
  }

  /** Adds an RFC 7047 mutation ([column, mutator, value]); the value may reference inserted rows. */
  mutate(table: string, uuid: string, column: string, mutator: string, value: JsonValue): void {
    const s = this.state(table, uuid);
    const m: JsonValue = [column, mutator, value];
    parseMutations(s.table, [m as Json], anyNameSymtab); // throws OvsdbError naming what is wrong
    s.mutations.push(m);
  }

  /** Fails the transaction (try-again) if any row of `table` matches `where` when it commits. */
  requireAbsent(table: string, where: readonly JsonValue[]): void {
    assert(!this.finished, 'transaction already committed or aborted');
    const schema = this.replica.tableSchema(table);
    parseCondition(schema, where as Json[], anyNameSymtab); // throws naming a bad clause
    this.absent.push({ op: 'wait', table, timeout: 0, where: where as JsonValue[], columns: ['_uuid'], until: '==', rows: [] });
  }

  comment(text: string): void {
    this.comments.push(text);
  }

  /** Whether the transaction would change anything (else commit() reports 'unchanged'). */
  hasChanges(): boolean {
    for (const s of this.order) {
      if (s.inserted ? !s.deleted : s.deleted || s.mutations.length > 0 || this.changedWrites(s).length > 0) return true;
    }
    return false;
  }

  private changedWrites(s: RowState): [ColumnSchema, Datum][] {
    if (s.inserted) return [...s.writes];
    const row = this.replica.row(s.table.name, s.uuid);
    return [...s.writes].filter(([c, d]) => !row || !datumEquals(row.values[c.index]!, d, c.type));
  }

  /** Temporary UUIDs of the rows this transaction inserts (and does not delete again). */
  insertedRows(): string[] {
    return this.order.filter((s) => s.inserted && !s.deleted).map((s) => s.uuid);
  }

  /**
   * The "transact" params: [db, ops...]. `insertIndexes` receives, per temporary UUID, the index (in the
   * result array) of its insert operation.
   */
  toOperations(dbName: string, lockName: string | null, insertIndexes: Map<string, number>): JsonValue[] {
    const names = new Map<string, string>();
    for (const s of this.order) if (s.inserted && !s.deleted) names.set(s.uuid, rowName(s.uuid));
    const toJson = (c: ColumnSchema, d: Datum): JsonValue => substitute(datumToJson(d, c.type) as JsonValue, names);
    const ops: JsonValue[] = [];
    for (const s of this.order) {
      if (s.inserted) continue;
      const columns = [...s.reads.keys()];
      const row: Record<string, JsonValue> = {};
      for (const [c, d] of s.reads) row[c.name] = datumToJson(d, c.type) as JsonValue;
      const needed = columns.length > 0 || s.deleted || s.mutations.length > 0 || this.changedWrites(s).length > 0;
      if (!needed) continue;
      ops.push({ op: 'wait', table: s.table.name, timeout: 0, where: whereUuid(s.uuid), until: '==', columns: columns.map((c) => c.name), rows: [row] });
    }
    ops.push(...this.absent);
    // Inserts first (a named-uuid may be referenced anywhere, but reading the request is easier this way).
    for (const s of this.order) {
      if (!s.inserted || s.deleted) continue;
      const table = s.table.name;
      const row: Record<string, JsonValue> = {};
      for (const [c, d] of s.writes) row[c.name] = toJson(c, d);
      insertIndexes.set(s.uuid, ops.length);
      ops.push({ op: 'insert', table, 'uuid-name': names.get(s.uuid)!, row });
      if (s.mutations.length) ops.push({ op: 'mutate', table, where: [['_uuid', '==', ['named-uuid', names.get(s.uuid)!]]], mutations: s.mutations.map((m) => substitute(m, names)) });
    }
    for (const s of this.order) {
      if (s.inserted) continue;
      const table = s.table.name;
      if (s.deleted) {
        ops.push({ op: 'delete', table, where: whereUuid(s.uuid) });
        continue;
      }
      const changed = this.changedWrites(s);
      if (changed.length) {
        const row: Record<string, JsonValue> = {};
        for (const [c, d] of changed) row[c.name] = toJson(c, d);
        ops.push({ op: 'update', table, where: whereUuid(s.uuid), row });
      }
      if (s.mutations.length) ops.push({ op: 'mutate', table, where: whereUuid(s.uuid), mutations: s.mutations.map((m) => substitute(m, names)) });
    }
    if (this.comments.length) ops.push({ op: 'comment', comment: this.comments.join('\n') });
    if (lockName !== null) ops.push({ op: 'assert', lock: lockName });
    assert(ops.length <= maxTxnOperations, () => `transaction has ${ops.length} operations, more than maxTxnOperations (${maxTxnOperations})`);
    return [dbName, ...ops];
  }

  /** Sends the transaction; `done` is called exactly once, never synchronously. */
  commit(done: (result: TxnResult) => void): void {
    assert(!this.finished, 'transaction already committed or aborted');
    this.finished = true;
    this.submit(this, done);
  }

  /** Drops the transaction without sending it. */
  abort(): void {
    this.finished = true;
  }
}

/** Replaces ["uuid", U] by ["named-uuid", name] for rows inserted in this transaction. */
function substitute(json: JsonValue, names: ReadonlyMap<string, string>): JsonValue {
  if (!Array.isArray(json)) return json;
  if (json.length === 2 && json[0] === 'uuid' && typeof json[1] === 'string') {
    const name = names.get(json[1]);
    return name ? ['named-uuid', name] : json;
  }
  return json.map((x) => substitute(x, names));
}
