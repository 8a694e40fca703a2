// Composing <table-updates> (RFC 7047 "update", monitor version 1) and <table-updates2> (ovsdb-server(7)
// "update2"/"update3", versions 2 and 3) for one table from row changes, exactly as upstream words them:
//
//  v1: initial/insert {"new": all monitored columns}; delete {"old": all monitored columns};
//      modify {"old": the changed monitored columns' old values, "new": all monitored columns}.
//  v2: {"initial"|"insert": monitored columns that differ from their defaults}; {"delete": null};
//      {"modify": per changed monitored column, its diff (datum-diff.ts)}.
// A conditional monitor sees a row leave its condition as a delete and enter it as an insert. A modify that
// changed no monitored column is not reported.

import type { Json, JsonObject } from '../data/json';
import { datumToJson } from '../data/datum';
import type { RowChange } from '../txn/change-set';
import type { Row, SelectedColumn } from '../txn/row';
import { evaluateCondition } from '../txn/condition';
import type { MonitorVersion, TableMonitorSpec } from './monitor-request';
import { datumDiff, isDefaultDatum } from './datum-diff';

function columnJson(row: Row, c: SelectedColumn): [string, Json] {
  if (c === '_uuid') return ['_uuid', ['uuid', row.uuid]];
  if (c === '_version') return ['_version', ['uuid', row.version]];
  return [c.name, datumToJson(row.values[c.index]!, c.type)];
}

function allColumnsJson(spec: TableMonitorSpec, row: Row): JsonObject {
  const out: Record<string, Json> = {};
  for (const c of spec.columns) {
    const [k, v] = columnJson(row, c);
    out[k] = v;
  }
  return out;
}

function nonDefaultColumnsJson(spec: TableMonitorSpec, row: Row): JsonObject {
  const out: Record<string, Json> = {};
  for (const c of spec.columns) {
    if (typeof c !== 'string' && isDefaultDatum(row.values[c.index]!, c.type)) continue;
    const [k, v] = columnJson(row, c);
    out[k] = v;
  }
  return out;
}

function changedColumns(spec: TableMonitorSpec, ch: RowChange): SelectedColumn[] {
  const changed = ch.changedColumns ?? [];
  return spec.columns.filter((c) =>
    c === '_version' ? ch.old!.version !== ch.new!.version : c === '_uuid' ? false : changed.includes(c.index));
}

function matches(spec: TableMonitorSpec, row: Row | null): boolean {
  return row !== null && (spec.condition === null || evaluateCondition(row, spec.condition));
}

/** The row update for one change, or null when this monitor does not report it. */
export function rowUpdate(spec: TableMonitorSpec, version: MonitorVersion, ch: RowChange): Json | null {
  const wasIn = matches(spec, ch.old);
  const isIn = matches(spec, ch.new);
  if (!wasIn && !isIn) return null;
  if (wasIn && isIn) {
    if (!spec.select.modify) return null;
    const changed = changedColumns(spec, ch);
    if (changed.length === 0) return null;
    if (version === 1) {
      const old: Record<string, Json> = {};
      for (const c of changed) {
        const [k, v] = columnJson(ch.old!, c);
        old[k] = v;
      }
      return { old, new: allColumnsJson(spec, ch.new!) };
    }
    const diff: Record<string, Json> = {};
    for (const c of changed) {
      if (typeof c === 'string') {
        const [k, v] = columnJson(ch.new!, c);
        diff[k] = v;
      } else {
        diff[c.name] = datumToJson(datumDiff(ch.old!.values[c.index]!, ch.new!.values[c.index]!, c.type), c.type);
      }
    }
    return { modify: diff };
  }
  if (isIn) {
    if (!spec.select.insert) return null;
    return version === 1 ? { new: allColumnsJson(spec, ch.new!) } : { insert: nonDefaultColumnsJson(spec, ch.new!) };
  }
  if (!spec.select.delete) return null;
  return version === 1 ? { old: allColumnsJson(spec, ch.old!) } : { delete: null };
}

/** The <table-update> for a list of changes of this spec's table, or null when nothing is reported. */
export function tableUpdate(spec: TableMonitorSpec, version: MonitorVersion, changes: readonly RowChange[]): JsonObject | null {
  let out: Record<string, Json> | null = null;
  for (const ch of changes) {
    const u = rowUpdate(spec, version, ch);
    if (u === null) continue;
    (out ??= {})[ch.uuid] = u;
  }
  return out;
}

/** The initial contents for a new monitor (honouring select.initial and the condition). */
export function initialTableUpdate(spec: TableMonitorSpec, version: MonitorVersion, rows: Iterable<Row>): JsonObject | null {
  if (!spec.select.initial) return null;
  let out: Record<string, Json> | null = null;
  for (const row of rows) {
    if (!matches(spec, row)) continue;
    (out ??= {})[row.uuid] = version === 1 ? { new: allColumnsJson(spec, row) } : { initial: nonDefaultColumnsJson(spec, row) };
  }
  return out;
}

/** What a condition change shows a v2/v3 monitor: rows that enter are inserts, rows that leave deletes. */
export function condChangeTableUpdate(before: TableMonitorSpec, after: TableMonitorSpec, rows: Iterable<Row>): JsonObject | null {
  let out: Record<string, Json> | null = null;
  for (const row of rows) {
    const wasIn = matches(before, row);
    const isIn = matches(after, row);
    if (wasIn === isIn) continue;
    if (isIn && after.select.insert) (out ??= {})[row.uuid] = { insert: nonDefaultColumnsJson(after, row) };
    if (wasIn && after.select.delete) (out ??= {})[row.uuid] = { delete: null };
  }
  return out;
}
