// Composes each table update once per distinct monitor spec and version for one batch of changes, and
// hands the same (immutable) JSON value to every monitor asking with the same key (DESIGN.md §3a: a
// thousand controllers with the same condition cost one composition, not a thousand).

import type { JsonObject } from '../data/json';
import type { JsonValue } from '../../json/value';
import { formatJson, formatString } from '../../json/format';
import type { RowChange } from '../txn/change-set';
import type { Row } from '../txn/row';
import type { TableSchema } from '../schema/types';
import { datumEquals } from '../data/datum';
import type { MonitorVersion, TableMonitorSpec } from './monitor-request';
import { initialTableUpdate, tableUpdate } from './row-update';

const encoder = new TextEncoder();

export class UpdateCache {
  private readonly byTable = new Map<string, RowChange[]>();
  private readonly composed = new Map<string, JsonObject | null>();
  /** Serialized text of each composed table update, and a small id naming it in notification keys. */
  private readonly texts = new Map<JsonObject, { id: number; text: string }>();
  private readonly notifications = new Map<string, Uint8Array>();
  /** Number of compositions done (the rest were cache hits): for tests and metrics. */
  compositions = 0;
  /** Number of table updates serialized, and of notifications encoded (the rest were shared). */
  serializations = 0;
  encodings = 0;

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

  /**
   * The wire bytes of one update notification (`{"method":..., "params":[id, (txn id,) updates], "id":null}`,
   * as JsonRpcSession would write it), built from cached texts: clients whose monitors have the same id and
   * specs get the very same bytes, serialized once per commit.
   */
  encode(method: string, monitorId: JsonValue, txnId: string | null, parts: readonly TablePart[]): Uint8Array {
    const idText = formatJson(monitorId);
    const texts = parts.map((p) => {
      let t = this.texts.get(p.update);
      if (!t) {
        this.serializations++;
        this.texts.set(p.update, (t = { id: this.texts.size, text: formatJson(p.update as unknown as JsonValue) }));
      }
      return { table: p.table, ...t };
    });
    const key = `${method}\u0000${idText}\u0000${txnId ?? ''}\u0000${texts.map((t) => `${t.table}=${t.id}`).join(',')}`;
    let bytes = this.notifications.get(key);
    if (!bytes) {
      this.encodings++;
      const body = `{${texts.map((t) => `${formatString(t.table)}:${t.text}`).join(',')}}`;
      const params = txnId === null ? `[${idText},${body}]` : `[${idText},${formatString(txnId)},${body}]`;
      bytes = encoder.encode(`{"method":${formatString(method)},"params":${params},"id":null}`);
      this.notifications.set(key, bytes);
    }
    return bytes;
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

export interface TablePart {
  readonly table: string;
  readonly update: JsonObject;
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
