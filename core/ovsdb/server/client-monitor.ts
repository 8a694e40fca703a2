// One monitor a client created (monitor, monitor_cond or monitor_cond_since): which database, which
// version of update notifications, and one spec per monitored table.

import type { JsonValue } from '../../json/value';
import type { Json, JsonObject } from '../data/json';
import { syntaxError } from '../data/error';
import { isJsonObject } from '../data/json';
import type { ServedDatabase } from './served-database';
import { parseCondChange, type MonitorVersion, type TableMonitorSpec } from './monitor-request';
import type { InitialCache, TablePart, UpdateCache } from './update-cache';
import { condChangeTableUpdate } from './row-update';

export const notificationMethod: Record<MonitorVersion, string> = { 1: 'update', 2: 'update2', 3: 'update3' };

export class ClientMonitor {
  readonly specs = new Map<string, TableMonitorSpec>();

  constructor(
    public id: JsonValue,
    readonly db: ServedDatabase,
    readonly version: MonitorVersion,
    specs: readonly TableMonitorSpec[],
  ) {
    for (const s of specs) this.specs.set(s.table.name, s);
  }

  /** The <table-update>s for one commit (shared values from the cache); empty when nothing changed. */
  updateParts(cache: UpdateCache): TablePart[] {
    const parts: TablePart[] = [];
    for (const [name, spec] of this.specs) {
      const u = cache.tableUpdate(spec, this.version);
      if (u !== null) parts.push({ table: name, update: u });
    }
    return parts;
  }

  /** The <table-updates> for one batch of changes, or null when nothing this monitor watches changed. */
  update(cache: UpdateCache): JsonObject | null {
    const parts = this.updateParts(cache);
    if (parts.length === 0) return null;
    const out: Record<string, Json> = {};
    for (const p of parts) out[p.table] = p.update;
    return out;
  }

  initial(cache: InitialCache): JsonObject {
    const out: Record<string, Json> = {};
    for (const [name, spec] of this.specs) {
      const rows = () => this.db.db.table(name)!.rows.values();
      const u = cache.get(spec, this.version, this.db.db.generation, rows);
      if (u !== null) out[name] = u;
    }
    return out;
  }

  /**
   * Applies a monitor_cond_change request body (table -> [cond-change-request...]); returns the update that
   * brings the client's view from the old conditions to the new ones (or null). Throws OvsdbError, leaving
   * the monitor unchanged, when any part is malformed.
   */
  changeConditions(requests: Json): JsonObject | null {
    if (!isJsonObject(requests)) throw syntaxError(undefined, null, 'monitor-cond-change-requests must be object');
    const next = new Map<string, TableMonitorSpec>();
    for (const name of Object.keys(requests)) {
      if (!this.db.schema.tables.has(name)) throw syntaxError(undefined, null, `no table named ${name}`);
      const spec = this.specs.get(name);
      if (!spec) throw syntaxError(undefined, null, `no table named ${name} in monitor session`);
      next.set(name, parseCondChange(spec, requests[name]!));
    }
    // A "monitor" (version 1) monitor has no conditions: upstream accepts the request and changes nothing.
    if (this.version === 1) return null;
    let out: Record<string, Json> | null = null;
    for (const [name, after] of next) {
      const before = this.specs.get(name)!;
      this.specs.set(name, after);
      const u = condChangeTableUpdate(before, after, this.db.db.table(name)!.rows.values());
      if (u !== null) (out ??= {})[name] = u;
    }
    return out;
  }
}
