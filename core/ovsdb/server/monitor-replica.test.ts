// Randomized (seeded) check of update composition: clients monitoring with every version, with and without
// conditions, apply what they receive to replicas; after every commit each replica must equal the server's
// content as that monitor selects it. Conditions change and clients reconnect with monitor_cond_since
// along the way. A failure names the seed and step.
import { strict as assert } from 'node:assert';
import type { JsonValue } from '../../json/value';
import type { Json } from '../data/json';
import { jsonToString } from '../data/json';
import { SeededRandom } from '../../runtime/seeded-random';
import { Replica } from './replica';
import { Harness, result, type TestClient } from './harness.test';
import { isDefaultDatum } from './datum-diff';
import { datumToJson } from '../data/datum';
import { evaluateCondition, parseCondition } from '../txn/condition';

const columns = ['name', 'ports', 'cfg', 'tags', 'n', 'note'];
const monitoredColumns = new Map([['Sw', columns]]);

/** The server's Sw rows (non-default columns) that satisfy `where`, as canonical text. */
function serverView(h: Harness, where: JsonValue[] | null, v1: boolean): string {
  const table = h.db.schema.tables.get('Sw')!;
  const cond = where ? parseCondition(table, where as Json[], null) : null;
  const out: Record<string, Json> = {};
  for (const [uuid, row] of h.db.db.table('Sw')!.rows) {
    if (cond && !evaluateCondition(row, cond)) continue;
    const r: Record<string, Json> = {};
    for (const n of columns) {
      const c = table.columnsByName.get(n)!;
      const d = row.values[c.index]!;
      if (v1 || !isDefaultDatum(d, c.type)) r[n] = datumToJson(d, c.type);
    }
    out[uuid] = r;
  }
  return jsonToString({ Sw: out });
}

/** A v1 replica: "new" replaces the row, "old" alone deletes it. */
class V1Replica {
  readonly rows = new Map<string, Json>();
  apply(updates: Json): void {
    const tu = (updates as Record<string, Record<string, { old?: Json; new?: Json }>>).Sw ?? {};
    for (const [uuid, ru] of Object.entries(tu)) {
      if (ru.new !== undefined) this.rows.set(uuid, ru.new);
      else this.rows.delete(uuid);
    }
  }
  canonical(): string {
    return jsonToString({ Sw: Object.fromEntries(this.rows) });
  }
}

function randomOp(rng: SeededRandom, h: Harness, step: number): JsonValue {
  const uuids = [...h.db.db.table('Sw')!.rows.keys()];
  const pick = () => ['uuid', rng.pick(uuids)];
  const someTags = () => ['set', ['a', 'b', 'c', 'd'].filter(() => rng.chance(0.5))];
  const someCfg = () => ['map', [['k1', 'x'], ['k2', 'y'], ['k3', String(rng.int(3))]].filter(() => rng.chance(0.5))];
  const kind = uuids.length === 0 ? 0 : rng.int(5);
  switch (kind) {
    case 0:
      return { op: 'insert', table: 'Sw', row: { name: `s${step}`, n: rng.int(4), tags: someTags(), cfg: someCfg() } };
    case 1:
      return { op: 'update', table: 'Sw', where: [['_uuid', '==', pick()]], row: { n: rng.int(4), note: rng.chance(0.5) ? 'x' : ['set', []] } };
    case 2:
      return { op: 'mutate', table: 'Sw', where: [['_uuid', '==', pick()]], mutations: [['tags', rng.chance(0.5) ? 'insert' : 'delete', someTags()]] };
    case 3:
      return { op: 'update', table: 'Sw', where: [['_uuid', '==', pick()]], row: { cfg: someCfg() } };
    default:
      return { op: 'delete', table: 'Sw', where: [['_uuid', '==', pick()]] };
  }
}

describe('OvsdbServer: monitor replicas under random transactions (seeded)', () => {
  for (const seed of ['1', '2', '3']) {
    it(`every replica tracks the server exactly (seed ${seed})`, () => {
      const rng = new SeededRandom(`replica-${seed}`);
      const h = new Harness({ txnHistoryMax: 5 });
      const writer = h.connect();
      const v1 = new V1Replica();
      const c1 = h.connect();
      v1.apply(result(c1.call('monitor', ['T', 'm', { Sw: { columns } }])) as Json);
      let where: JsonValue[] = [['n', '>=', 2]];
      const r2 = new Replica(h.db.schema, monitoredColumns);
      const c2 = h.connect();
      r2.apply(result(c2.call('monitor_cond', ['T', 'm', { Sw: [{ columns, where }] }])) as Json);
      let r3 = new Replica(h.db.schema, monitoredColumns);
      let c3: TestClient = h.connect();
      let last = (result(c3.call('monitor_cond_since', ['T', 'm', { Sw: [{ columns }] }, '00000000-0000-0000-0000-000000000000'])) as [boolean, string, Json])[1];
      let seen = { c1: 0, c2: 0, c3: 0 };
      const drain = () => {
        for (const [m, p] of c1.notes.slice(seen.c1)) if (m === 'update') v1.apply(p[1] as Json);
        for (const [m, p] of c2.notes.slice(seen.c2)) if (m === 'update2') r2.apply(p[1] as Json);
        for (const [m, p] of c3.notes.slice(seen.c3)) {
          if (m !== 'update3') continue;
          r3.apply(p[2] as Json);
          last = p[1] as string;
        }
        seen = { c1: c1.notes.length, c2: c2.notes.length, c3: c3.notes.length };
      };
      for (let step = 0; step < 150; step++) {
        const ops = [randomOp(rng, h, step)];
        if (rng.chance(0.3)) ops.push(randomOp(rng, h, step + 1000));
        h.transact(writer, ...ops);
        drain();
        if (rng.chance(0.1)) {
          where = [['n', rng.pick(['<', '>=', '==']), rng.int(4)]];
          result(c2.call('monitor_cond_change', ['m', 'm', { Sw: [{ where }] }]));
          drain();
        }
        if (rng.chance(0.08)) {
          // c3 drops and comes back with the last id it saw: a catch-up or a full resync.
          c3.conn.reset();
          h.settleAll();
          c3 = h.connect();
          seen.c3 = 0;
          const [found, id, updates] = result(c3.call('monitor_cond_since', ['T', 'm', { Sw: [{ columns }] }, last])) as [boolean, string, Json];
          if (!found) r3 = new Replica(h.db.schema, monitoredColumns);
          r3.apply(updates);
          last = id;
        }
        const at = `seed ${seed} step ${step}`;
        assert.equal(v1.canonical(), serverView(h, null, true), `v1 replica, ${at}`);
        assert.equal(r2.canonical(), serverView(h, where, false), `v2 replica, ${at}`);
        assert.equal(r3.canonical(), serverView(h, null, false), `v3 replica, ${at}`);
      }
    });
  }
});
