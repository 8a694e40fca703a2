// Composes each table update once per distinct monitor spec and version for one batch of changes, and
// hands the same (immutable) JSON value to every monitor asking with the same key (DESIGN.md §3a: a
// thousand controllers with the same condition cost one composition, not a thousand).

import type { JsonObject } from '../data/json';
import type { RowChange } from '../txn/change-set';
import type { Row } from '../txn/row';
import type { TableSchema } from '../schema/types';
import { datumEquals } from '../data/datum';
import type { MonitorVersion, TableMonitorSpec } from './monitor-request';
import { initialTableUpdate, tableUpdate } from './row-update';

export class UpdateCache {
  private readonly byTable = new Map<string, RowChange[]>();
  private readonly composed = new Map<string, JsonObject | null>();
  /** Number of compositions done (the rest were cache hits): for tests and metrics. */
  compositions = 0;

  constructor(changes: readonly RowChange[]) {
    for (const ch of changes) {
      let list = this.byTable.get(ch.table.name);
      if (!list) this.byTable.set(ch.table.name, (list = []));
      list.push(ch);
    }
  }

  get isEmpty(): boolean {
    return this.byTable.size === 0;
  }

  tableUpdate(spec: TableMonitorSpec, version: MonitorVersion): JsonObject | null {
    const changes = this.byTable.get(spec.table.name);
    if (!changes) return null;
    const key = `${version === 1 ? 1 : 2}|${spec.key}`;
    if (this.composed.has(key)) return this.composed.get(key)!;
    this.compositions++;
    const update = tableUpdate(spec, version, changes);
    this.composed.set(key, update);
    return update;
  }
}

/** Initial contents, cached per database generation (many clients connecting at once share them). */
export class InitialCache {
  private generation = -1;
  private readonly composed = new Map<string, JsonObject | null>();
  compositions = 0;

  get(spec: TableMonitorSpec, version: MonitorVersion, generation: number, rows: () => Iterable<Row>): JsonObject | null {
    if (generation !== this.generation) {
      this.composed.clear();
      this.generation = generation;
    }
    const key = `${version === 1 ? 1 : 2}|${spec.key}`;
    if (this.composed.has(key)) return this.composed.get(key)!;
    this.compositions++;
    const update = initialTableUpdate(spec, version, rows());
    this.composed.set(key, update);
    return update;
  }
}

/**
 * Folds several consecutive change lists into one net change per row (first old, last new), for
 * monitor_cond_since catching a client up from its last transaction.
 */
export function mergeChanges(lists: readonly (readonly RowChange[])[]): RowChange[] {
  const net = new Map<string, { table: TableSchema; uuid: string; old: Row | null; new: Row | null }>();
  for (const list of lists) {
    for (const ch of list) {
      const key = `${ch.table.name}\u0000${ch.uuid}`;
      const seen = net.get(key);
      if (seen) seen.new = ch.new;
      else net.set(key, { table: ch.table, uuid: ch.uuid, old: ch.old, new: ch.new });
    }
  }
  const out: RowChange[] = [];
  for (const n of net.values()) {
    if (n.old === null && n.new === null) continue;
    let changedColumns: number[] | null = null;
    if (n.old !== null && n.new !== null) {
      changedColumns = n.table.columns
        .filter((c) => !datumEquals(n.old!.values[c.index]!, n.new!.values[c.index]!, c.type))
        .map((c) => c.index);
      if (changedColumns.length === 0 && n.old.version === n.new.version) continue;
    }
    out.push({ ...n, changedColumns });
  }
  return out;
}
