// Plain-value access to an IDL replica's rows by column name, for code that turns a replica into its own
// data model (the trace's SbData, the chassis compiler's ChassisSb). A table missing from the schema (an
// older database) reads as empty; a missing column reads as empty too.
import type { Replica, ReplicaRow } from './replica';
import type { Atom } from '../schema/types';

export class RowReader {
  constructor(private readonly replica: Replica, private readonly table: string, private readonly row: ReplicaRow) {}

  private datum(column: string) {
    const schema = this.replica.tableSchema(this.table);
    const idx = schema.columns.findIndex((c) => c.name === column);
    return idx < 0 ? null : this.row.values[idx] ?? null;
  }
  atoms(column: string): Atom[] {
    return [...(this.datum(column)?.keys ?? [])];
  }
  str(column: string): string {
    const a = this.atoms(column)[0];
    return typeof a === 'string' ? a : '';
  }
  num(column: string): number {
    const a = this.atoms(column)[0];
    return typeof a === 'number' ? a : 0;
  }
  strings(column: string): string[] {
    return this.atoms(column).filter((a): a is string => typeof a === 'string');
  }
  map(column: string): Record<string, string> {
    const d = this.datum(column);
    const out: Record<string, string> = {};
    if (!d || !d.values) return out;
    d.keys.forEach((k, i) => {
      out[String(k)] = String(d.values![i]);
    });
    return out;
  }
}

export function rows(replica: Replica, table: string): RowReader[] {
  if (!replica.schema.tables.has(table)) return [];
  return [...replica.rows(table).values()].map((r) => new RowReader(replica, table, r));
}

/** Each row of `table` with its UUID. */
export function rowsWithUuid(replica: Replica, table: string): Array<{ uuid: string; r: RowReader }> {
  if (!replica.schema.tables.has(table)) return [];
  return [...replica.rows(table)].map(([uuid, row]) => ({ uuid, r: new RowReader(replica, table, row) }));
}
