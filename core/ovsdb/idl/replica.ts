// The IDL's in-memory replica of a monitored database: rows as shared immutable values (DESIGN.md §3a),
// per-row change tracking since the last clearChanges(), and a change sequence number.
//
// A row is { uuid, values } with one Datum per schema column (unmonitored columns hold the column's
// default). Rows are never mutated: an update makes a new row that reuses the unchanged Datum objects, so
// a caller may keep a row (e.g. as the "old" value of a change) for as long as it likes.
//
// Change tracking coalesces per row, like upstream's ovsdb_idl_track: insert+modify = insert, insert+delete
// = nothing, modify+delete = delete (old is the row before the first change), delete+insert = modify.

import type { DatabaseSchema, TableSchema } from '../schema/types';
import { type Datum, datumEquals, defaultDatum } from '../data/datum';
import { assert } from '../../util/assert';
import { type RowUpdate, applyDatumDiff, parseColumnValue } from './updates';
import type { RowInterner } from './row-interner';

export interface ReplicaRow {
  readonly uuid: string;
  /** One datum per column, in TableSchema.columns order. */
  readonly values: readonly Datum[];
}

export type ChangeKind = 'insert' | 'modify' | 'delete';

export interface TrackedChange {
  readonly table: string;
  readonly uuid: string;
  readonly kind: ChangeKind;
  /** The row before the first change since clearChanges() (null for inserts). */
  readonly old: ReplicaRow | null;
  /** The row now (null for deletes). */
  readonly new: ReplicaRow | null;
}

/** A problem found while applying an update: reported, the rest of the update still applies. */
export interface UpdateProblem {
  readonly table: string;
  readonly uuid: string;
  readonly message: string;
}

export class Replica {
  private readonly tables = new Map<string, Map<string, ReplicaRow>>();
  /** table -> uuid -> the row before the first tracked change (null when the row was inserted). */
  private readonly tracked = new Map<string, Map<string, { old: ReplicaRow | null }>>();
  private changeSeqno = 0;

  /** `interner`, when shared by several replicas, lets them share the rows built from the same updates. */
  constructor(
    readonly schema: DatabaseSchema,
    private readonly interner: RowInterner | null = null,
  ) {
    for (const name of schema.tables.keys()) {
      this.tables.set(name, new Map());
      this.tracked.set(name, new Map());
    }
  }

  /** Increments once for every applied update that changed at least one row. */
  get seqno(): number {
    return this.changeSeqno;
  }

  private tableMap(name: string): Map<string, ReplicaRow> {
    const t = this.tables.get(name);
    if (!t) throw new Error(`replica has no table "${name}" (schema ${this.schema.name})`);
    return t;
  }

  tableSchema(name: string): TableSchema {
    const t = this.schema.tables.get(name);
    if (!t) throw new Error(`schema ${this.schema.name} has no table "${name}"`);
    return t;
  }

  /** The rows of a table (a live read-only view: iterate, do not keep across updates). */
  rows(table: string): ReadonlyMap<string, ReplicaRow> {
    return this.tableMap(table);
  }

  row(table: string, uuid: string): ReplicaRow | undefined {
    return this.tableMap(table).get(uuid);
  }

  /** A column's value in a row, by column name. */
  get(table: string, uuid: string, column: string): Datum | undefined {
    const row = this.row(table, uuid);
    if (!row) return undefined;
    const c = this.tableSchema(table).columnsByName.get(column);
    if (!c) throw new Error(`table ${table} has no column "${column}"`);
    return row.values[c.index];
  }

  /** Tracked changes since the last clearChanges(), for one table or all. */
  changes(table?: string): TrackedChange[] {
    const out: TrackedChange[] = [];
    const names = table === undefined ? [...this.tracked.keys()] : [table];
    for (const name of names) {
      const rows = this.tableMap(name);
      for (const [uuid, t] of this.tracked.get(name)!) {
        const now = rows.get(uuid) ?? null;
        const kind: ChangeKind = t.old === null ? 'insert' : now === null ? 'delete' : 'modify';
        assert(t.old !== null || now !== null, () => `tracked ${name} row ${uuid} neither old nor new`);
        out.push({ table: name, uuid, kind, old: t.old, new: now });
      }
    }
    return out;
  }

  clearChanges(): void {
    for (const t of this.tracked.values()) t.clear();
  }

  private track(table: string, uuid: string, before: ReplicaRow | null): void {
    const t = this.tracked.get(table)!;
    const seen = t.get(uuid);
    if (!seen) {
      t.set(uuid, { old: before });
      return;
    }
    // Inserted then deleted within one tracking window: as if it never existed.
    if (seen.old === null && !this.tables.get(table)!.has(uuid)) t.delete(uuid);
  }

  private setRow(table: string, uuid: string, row: ReplicaRow | null): boolean {
    const rows = this.tableMap(table);
    const before = rows.get(uuid) ?? null;
    if (before === row) return false;
    if (row) rows.set(uuid, row);
    else rows.delete(uuid);
    this.track(table, uuid, before);
    return true;
  }

  /** Applies incremental row updates; returns the problems found (rows in error are left as they were). */
  applyUpdates(updates: readonly RowUpdate[]): UpdateProblem[] {
    const problems: UpdateProblem[] = [];
    let changed = false;
    for (const u of updates) {
      const schema = this.schema.tables.get(u.table);
      if (!schema) {
        problems.push({ table: u.table, uuid: u.uuid, message: `update for unknown table "${u.table}"` });
        continue;
      }
      try {
        const before = this.tables.get(u.table)!.get(u.uuid) ?? null;
        const after = nextRow(schema, before, u, this.interner);
        if (after === undefined) continue;
        if (this.setRow(u.table, u.uuid, after)) changed = true;
      } catch (error) {
        problems.push({ table: u.table, uuid: u.uuid, message: error instanceof Error ? error.message : String(error) });
      }
    }
    if (changed) this.changeSeqno++;
    return problems;
  }

  /**
   * Replaces the whole contents with the rows in `updates` (a monitor reply after a fresh or failed resync):
   * rows that stay identical are not reported as changed, others as inserted, modified or deleted.
   */
  replaceAll(updates: readonly RowUpdate[]): UpdateProblem[] {
    const problems: UpdateProblem[] = [];
    const fresh = new Map<string, Map<string, ReplicaRow>>();
    for (const name of this.tables.keys()) fresh.set(name, new Map());
    for (const u of updates) {
      const schema = this.schema.tables.get(u.table);
      if (!schema) {
        problems.push({ table: u.table, uuid: u.uuid, message: `update for unknown table "${u.table}"` });
        continue;
      }
      if (u.kind !== 'insert') {
        problems.push({ table: u.table, uuid: u.uuid, message: `monitor reply contains a "${u.kind}" row update` });
        continue;
      }
      try {
        fresh.get(u.table)!.set(u.uuid, nextRow(schema, null, u, this.interner)!);
      } catch (error) {
        problems.push({ table: u.table, uuid: u.uuid, message: error instanceof Error ? error.message : String(error) });
      }
    }
    let changed = false;
    for (const [name, rows] of this.tables) {
      const schema = this.schema.tables.get(name)!;
      const next = fresh.get(name)!;
      for (const uuid of [...rows.keys()]) if (!next.has(uuid) && this.setRow(name, uuid, null)) changed = true;
      for (const [uuid, row] of next) {
        const old = rows.get(uuid);
        const keep = old && rowsEqual(schema, old, row) ? old : row;
        if (this.setRow(name, uuid, keep)) changed = true;
      }
    }
    if (changed) this.changeSeqno++;
    return problems;
  }

  /** Every row, for comparisons in tests and dumps: table -> uuid -> row. */
  snapshot(): Map<string, Map<string, ReplicaRow>> {
    const out = new Map<string, Map<string, ReplicaRow>>();
    for (const [name, rows] of this.tables) out.set(name, new Map(rows));
    return out;
  }
}

/**
 * The columns a tracked change touched (upstream's ovsdb_idl_track_is_updated, per column): those whose
 * datum differs between old and new; every column for inserts and deletes.
 */
export function changedColumns(table: TableSchema, change: TrackedChange): string[] {
  if (!change.old || !change.new) return table.columns.map((c) => c.name);
  return table.columns.filter((c) => !datumEquals(change.old!.values[c.index]!, change.new!.values[c.index]!, c.type)).map((c) => c.name);
}

export function rowsEqual(table: TableSchema, a: ReplicaRow, b: ReplicaRow): boolean {
  if (a === b) return true;
  for (const c of table.columns) if (!datumEquals(a.values[c.index]!, b.values[c.index]!, c.type)) return false;
  return true;
}

/** The row after applying `u` to `before`; undefined means "nothing to do", throws on a bad update. */
function nextRow(table: TableSchema, before: ReplicaRow | null, u: RowUpdate, interner: RowInterner | null): ReplicaRow | null | undefined {
  if (!interner || u.kind === 'delete') return buildRow(table, before, u);
  if (u.kind === 'insert') {
    if (before) throw new Error(`cannot add existing row ${u.uuid} to table ${table.name}`);
    return interner.insert(table, u.uuid, u.columns, () => buildRow(table, null, u)!);
  }
  if (!before) throw new Error(`cannot modify missing row ${u.uuid} in table ${table.name}`);
  const after = interner.modify(before, u.columns, () => buildRow(table, before, u) ?? before);
  return after === before ? undefined : after;
}

function buildRow(table: TableSchema, before: ReplicaRow | null, u: RowUpdate): ReplicaRow | null | undefined {
  switch (u.kind) {
    case 'delete':
      if (!before) throw new Error(`cannot delete missing row ${u.uuid} from table ${table.name}`);
      return null;
    case 'insert': {
      if (before) throw new Error(`cannot add existing row ${u.uuid} to table ${table.name}`);
      const values: Datum[] = table.columns.map((c) => defaultDatum(c.type));
      for (const [name, json] of Object.entries(u.columns)) {
        const parsed = parseColumnValue(table, name, json);
        if (!parsed) throw new Error(`table ${table.name} has no column "${name}"`);
        values[parsed.index] = parsed.datum;
      }
      return { uuid: u.uuid, values };
    }
    case 'modify':
    case 'diff': {
      if (!before) throw new Error(`cannot modify missing row ${u.uuid} in table ${table.name}`);
      const values = before.values.slice();
      let touched = false;
      for (const [name, json] of Object.entries(u.columns)) {
        const c = table.columnsByName.get(name);
        if (!c) throw new Error(`table ${table.name} has no column "${name}"`);
        const datum = u.kind === 'diff' ? applyDatumDiff(before.values[c.index]!, json, c.type) : parseColumnValue(table, name, json)!.datum;
        if (datumEquals(datum, values[c.index]!, c.type)) continue;
        values[c.index] = datum;
        touched = true;
      }
      return touched ? { uuid: u.uuid, values } : undefined;
    }
  }
}
