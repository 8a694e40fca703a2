// Property: whatever sequence of transactions (valid or not) a client sends, the database never breaks its
// schema's constraints, a failed transaction changes nothing, and a replica fed only the change sets ends
// up identical to the primary. Transactions are drawn as abstract operations and resolved against the
// current rows at run time, so references point at rows that exist (or deliberately do not).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseDatabaseSchema } from '../schema/parse-schema';
import { SeededRandom } from '../../runtime/seeded-random';
import { type Json, isJsonObject } from '../data/json';
import { Database } from './database';
import { executeTransaction } from './execute';
import { auditDatabase } from './invariants';
import { testSchemaJson } from './test-schema.test';

const schema = parseDatabaseSchema(testSchemaJson);
const bogusUuid = '0badc0de-0000-4000-8000-000000000000';

type Pick = number;
type AbstractOp =
  | { k: 'insertRoot'; name: string; i: number | null; r: number; color: string | null; s: string[]; ints: number[];
      m: Array<[string, number]>; newKids: number; kids: Pick[]; weak: Pick[]; wmap: Pick[]; fixed: string }
  | { k: 'insertChild'; name: string; sub: boolean }
  | { k: 'insertOther'; x: number }
  | { k: 'insertNeedy'; needs: Pick[] }
  | { k: 'insertPair'; a: number; b: string }
  | { k: 'update'; row: Pick; name: string | null; i: number | null; kids: Pick[] | null; fixed: boolean }
  | { k: 'mutate'; row: Pick | null; column: string; mutator: string; arg: number | string[] | Pick[] }
  | { k: 'delete'; table: string; row: Pick | null }
  | { k: 'wait'; table: string; count: number }
  | { k: 'abort' };

const names = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const pick = fc.nat({ max: 20 });
const abstractOp: fc.Arbitrary<AbstractOp> = fc.oneof(
  fc.record({
    k: fc.constant('insertRoot' as const), name: names, i: fc.option(fc.integer({ min: -15, max: 1005 })),
    r: fc.constantFrom(-2, -1.5, 0, 0.25, 999999, 2e6), color: fc.option(fc.constantFrom('red', 'blue', 'pink')),
    s: fc.array(fc.constantFrom('x', 'yy', '', 'toolong'), { maxLength: 3 }), ints: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
    m: fc.array(fc.tuple(names, fc.integer({ min: -3, max: 3 })), { maxLength: 3 }), newKids: fc.nat({ max: 2 }),
    kids: fc.array(pick, { maxLength: 2 }), weak: fc.array(pick, { maxLength: 2 }), wmap: fc.array(pick, { maxLength: 2 }),
    fixed: names,
  }),
  fc.record({ k: fc.constant('insertChild' as const), name: names, sub: fc.boolean() }),
  fc.record({ k: fc.constant('insertOther' as const), x: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ k: fc.constant('insertNeedy' as const), needs: fc.array(pick, { maxLength: 3 }) }),
  fc.record({ k: fc.constant('insertPair' as const), a: fc.integer({ min: 0, max: 2 }), b: names }),
  fc.record({ k: fc.constant('update' as const), row: pick, name: fc.option(names), i: fc.option(fc.integer({ min: -15, max: 1005 })),
    kids: fc.option(fc.array(pick, { maxLength: 2 })), fixed: fc.boolean() }),
  fc.record({ k: fc.constant('mutate' as const), row: fc.option(pick), column: fc.constantFrom('i', 'r', 'ints', 'reals', 'm', 'kids', 'weak', 'big'),
    mutator: fc.constantFrom('+=', '-=', '*=', '/=', '%=', 'insert', 'delete'),
    arg: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.array(names, { maxLength: 2 }), fc.array(pick, { maxLength: 2 })) }),
  fc.record({ k: fc.constant('delete' as const), table: fc.constantFrom('Root', 'Child', 'Other', 'Needy', 'Pair'), row: fc.option(pick) }),
  fc.record({ k: fc.constant('wait' as const), table: fc.constantFrom('Root', 'Other'), count: fc.nat({ max: 3 }) }),
  fc.constant({ k: 'abort' as const }),
);

/** Resolves an abstract operation to RFC 7047 JSON against the rows that exist now. */
function materialize(db: Database, op: AbstractOp, n: number): Json[] {
  const uuids = (table: string): string[] => [...db.store(schema.tables.get(table)!).rows.keys()];
  const ref = (table: string, p: Pick): Json => {
    const all = uuids(table);
    return ['uuid', p < all.length ? all[p]! : bogusUuid];
  };
  const refs = (table: string, ps: Pick[]): Json => ['set', ps.map((p) => ref(table, p))];
  const whereRow = (table: string, p: Pick | null): Json => (p === null ? [] : [['_uuid', '==', ref(table, p)]]);
  switch (op.k) {
    case 'insertRoot': {
      const out: Json[] = [];
      const kids: Json[] = op.kids.map((p) => ref('Child', p));
      for (let j = 0; j < op.newKids; j++) {
        out.push({ op: 'insert', table: 'Child', 'uuid-name': `kid${n}_${j}`, row: { name: 'k' } });
        kids.push(['named-uuid', `kid${n}_${j}`]);
      }
      const row: Record<string, Json> = {
        name: op.name, r: op.r, s: ['set', op.s], ints: ['set', op.ints], m: ['map', op.m],
        kids: ['set', kids], weak: refs('Root', op.weak), fixed: op.fixed,
        wmap: ['map', op.wmap.map((p, j) => [`k${j}`, ref('Other', p)])],
      };
      if (op.i !== null) row.i = op.i;
      if (op.color !== null) row.color = op.color;
      out.push({ op: 'insert', table: 'Root', row });
      return out;
    }
    case 'insertChild':
      return [{ op: 'insert', table: 'Child', row: op.sub ? { name: op.name, sub: ref('Child', 0) } : { name: op.name } }];
    case 'insertOther':
      return [{ op: 'insert', table: 'Other', row: { x: op.x } }];
    case 'insertNeedy':
      return [{ op: 'insert', table: 'Needy', row: { needs: refs('Other', op.needs) } }];
    case 'insertPair':
      return [{ op: 'insert', table: 'Pair', row: { a: op.a, b: op.b } }];
    case 'update': {
      const row: Record<string, Json> = {};
      if (op.name !== null) row.name = op.name;
      if (op.i !== null) row.i = op.i;
      if (op.kids !== null) row.kids = refs('Child', op.kids);
      if (op.fixed) row.fixed = 'changed';
      return [{ op: 'update', table: 'Root', where: whereRow('Root', op.row), row }];
    }
    case 'mutate': {
      let arg: Json;
      if (typeof op.arg === 'number') arg = op.arg;
      else if (op.column === 'kids') arg = refs('Child', op.arg as number[]);
      else if (op.column === 'weak') arg = refs('Root', op.arg as number[]);
      else if (op.column === 'm') arg = ['map', (op.arg as Array<string | number>).map((a) => [String(a), 1])];
      else arg = ['set', op.arg as Json[]];
      return [{ op: 'mutate', table: 'Root', where: whereRow('Root', op.row), mutations: [[op.column, op.mutator, arg]] }];
    }
    case 'delete':
      return [{ op: 'delete', table: op.table, where: whereRow(op.table, op.row) }];
    case 'wait':
      return [{ op: 'wait', table: op.table, where: [], columns: ['_uuid'], until: '!=',
        rows: uuids(op.table).slice(0, op.count).map((u) => ({ _uuid: ['uuid', u] })), timeout: 0 }];
    case 'abort':
      return [{ op: 'abort' }];
  }
}

function snapshot(db: Database): Map<string, Map<string, unknown>> {
  const out = new Map<string, Map<string, unknown>>();
  for (const t of schema.tables.values()) out.set(t.name, new Map(db.store(t).rows));
  return out;
}

function sameRows(a: Database, b: Database): boolean {
  for (const t of schema.tables.values()) {
    const ra = a.store(t).rows;
    const rb = b.store(t).rows;
    if (ra.size !== rb.size) return false;
    for (const [u, row] of ra) if (JSON.stringify(rb.get(u)) !== JSON.stringify(row)) return false;
  }
  return true;
}

function runSequence(txns: AbstractOp[][], seed: number): { ok: number; failed: number } {
  const db = new Database(schema);
  const replica = new Database(schema);
  const random = new SeededRandom(`property-${seed}`);
  let ok = 0;
  let failed = 0;
  txns.forEach((abstractOps, n) => {
    const ops = abstractOps.flatMap((op, j) => materialize(db, op, n * 10 + j));
    const before = snapshot(db);
    const generation = db.generation;
    const out = executeTransaction(db, ['Test', ...ops], { random });
    assert.equal(out.kind, 'done');
    if (out.kind !== 'done') return;
    const failedNow = Array.isArray(out.result) && out.result.some((r) => isJsonObject(r) && typeof r.error === 'string');
    const context = `seed ${seed}, transaction ${n}: ${JSON.stringify(ops)} -> ${JSON.stringify(out.result)}`;
    if (failedNow) {
      failed++;
      assert.equal(out.changeSet, null, context);
      assert.equal(db.generation, generation, context);
      assert.deepEqual(snapshot(db), before, context);
    } else {
      ok++;
      if (out.changeSet && out.changeSet.changes.length) {
        db.apply(out.changeSet);
        replica.apply(out.changeSet);
      }
    }
    const problems = auditDatabase(db);
    assert.deepEqual(problems, [], context);
    assert.ok(sameRows(db, replica), `replica diverged: ${context}`);
  });
  return { ok, failed };
}

describe('property: random transactions never break the schema', () => {
  it('keeps every constraint, rolls back failures atomically, and replicates through change sets', () => {
    const seed = Number(process.env.PROPERTY_SEED ?? 20261125);
    console.log(`    property seed ${seed} (replay with PROPERTY_SEED=${seed})`);
    let ok = 0;
    let failed = 0;
    fc.assert(
      fc.property(fc.array(fc.array(abstractOp, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 25 }), (txns) => {
        const r = runSequence(txns, seed);
        ok += r.ok;
        failed += r.failed;
      }),
      { numRuns: 150, seed, verbose: 1 },
    );
    // The generator must exercise both paths, or the property says little.
    assert.ok(ok > 100 && failed > 100, `ok ${ok}, failed ${failed}`);
  });
});
