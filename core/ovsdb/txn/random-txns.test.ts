// Test support (not a spec): random transactions over the test schema, drawn as abstract operations by
// fast-check and resolved against the current rows at run time, so references point at rows that exist
// (or deliberately do not). Used by the property test and the random differential test.
import fc from 'fast-check';
import { parseDatabaseSchema } from '../schema/parse-schema';
import type { Json } from '../data/json';
import type { Database } from './database';
import { testSchemaJson } from './test-schema.test';

export const schema = parseDatabaseSchema(testSchemaJson);

const bogusUuid = '0badc0de-0000-4000-8000-000000000000';

type Pick = number;
export type AbstractOp =
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
export const abstractOp: fc.Arbitrary<AbstractOp> = fc.oneof(
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
export function materialize(db: Database, op: AbstractOp, n: number, explicitUuid?: () => string): Json[] {
  // With explicitUuid every insert names its row's UUID, so two engines given the same requests hold
  // rows with the same UUIDs.
  const withUuid = (o: Record<string, Json>): Json => (explicitUuid ? { ...o, uuid: explicitUuid() } : o);
  const uuids = (table: string): string[] => [...db.store(db.schema.tables.get(table)!).rows.keys()];
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
        out.push(withUuid({ op: 'insert', table: 'Child', 'uuid-name': `kid${n}_${j}`, row: { name: 'k' } }));
        kids.push(['named-uuid', `kid${n}_${j}`]);
      }
      const row: Record<string, Json> = {
        name: op.name, r: op.r, s: ['set', op.s], ints: ['set', op.ints], m: ['map', op.m],
        kids: ['set', kids], weak: refs('Root', op.weak), fixed: op.fixed,
        wmap: ['map', op.wmap.map((p, j) => [`k${j}`, ref('Other', p)])],
      };
      if (op.i !== null) row.i = op.i;
      if (op.color !== null) row.color = op.color;
      out.push(withUuid({ op: 'insert', table: 'Root', row }));
      return out;
    }
    case 'insertChild':
      return [withUuid({ op: 'insert', table: 'Child', row: op.sub ? { name: op.name, sub: ref('Child', 0) } : { name: op.name } })];
    case 'insertOther':
      return [withUuid({ op: 'insert', table: 'Other', row: { x: op.x } })];
    case 'insertNeedy':
      return [withUuid({ op: 'insert', table: 'Needy', row: { needs: refs('Other', op.needs) } })];
    case 'insertPair':
      return [withUuid({ op: 'insert', table: 'Pair', row: { a: op.a, b: op.b } })];
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

