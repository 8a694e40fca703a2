// Property: malformed requests never crash the engine. Whatever JSON arrives (random values, or valid
// operations with members replaced by random JSON), executeTransaction returns a reply (or blocks on a
// wait) and never throws, and the database stays consistent.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { SeededRandom } from '../../runtime/seeded-random';
import type { Json } from '../data/json';
import { Database } from './database';
import { executeTransaction, transact } from './execute';
import { auditDatabase } from './invariants';
import { schema } from './random-txns.test';

const validOps: Json[] = [
  { op: 'insert', table: 'Root', 'uuid-name': 'r', row: { name: 'a', kids: ['named-uuid', 'c'], m: ['map', [['k', 1]]] } },
  { op: 'insert', table: 'Child', 'uuid-name': 'c', row: { name: 'kid' } },
  { op: 'select', table: 'Root', where: [['name', '==', 'a']], columns: ['name', 'm'], sort: ['name'] },
  { op: 'update', table: 'Root', where: [['i', '<', 3]], row: { b: true } },
  { op: 'mutate', table: 'Root', where: [], mutations: [['ints', 'insert', ['set', [1]]], ['i', '+=', 1]] },
  { op: 'delete', table: 'Other', where: [['x', '>=', 2]] },
  { op: 'wait', table: 'Other', where: [], columns: ['x'], until: '!=', rows: [{ x: 9 }], timeout: 0 },
  { op: 'commit', durable: false },
  { op: 'comment', comment: 'c' },
  { op: 'assert', lock: 'l' },
];

/** A valid operation with one member (or one nested element) replaced by arbitrary JSON. */
const mutatedOp: fc.Arbitrary<Json> = fc
  .tuple(fc.constantFrom(...validOps), fc.nat(), fc.jsonValue())
  .map(([op, which, value]) => {
    const obj = { ...(op as Record<string, Json>) };
    const keys = Object.keys(obj);
    const key = keys[which % keys.length]!;
    const current = obj[key];
    if (Array.isArray(current) && current.length > 0 && which % 2 === 0) {
      const arr = [...current];
      arr[which % arr.length] = value as Json;
      obj[key] = arr;
    } else {
      obj[key] = value as Json;
    }
    return obj;
  });

describe('property: malformed requests never crash the engine', () => {
  it('always replies (or blocks), never throws, and keeps the database consistent', () => {
    const seed = Number(process.env.PROPERTY_SEED ?? 20261125);
    console.log(`    fuzz seed ${seed} (replay with PROPERTY_SEED=${seed})`);
    const db = new Database(schema);
    const random = new SeededRandom(`fuzz-${seed}`);
    // Some rows so conditions and mutations have something to act on.
    transact(db, ['Test', ...validOps.slice(0, 2), { op: 'insert', table: 'Other', row: { x: 2 } }], { random });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.oneof(mutatedOp, fc.constantFrom(...validOps)), { maxLength: 4 }).map((ops) => ['Test', ...ops] as Json),
          fc.jsonValue().map((v) => v as Json),
          fc.array(fc.jsonValue(), { maxLength: 3 }).map((ops) => ['Test', ...(ops as Json[])] as Json),
        ),
        (params) => {
          let out;
          try {
            out = executeTransaction(db, params, { random, isLockOwned: (l) => l === 'l' });
          } catch (e) {
            assert.fail(`threw on ${JSON.stringify(params)}: ${(e as Error).stack}`);
          }
          if (out.kind === 'done' && out.changeSet) db.apply(out.changeSet);
        },
      ),
      { numRuns: 3000, seed },
    );
    assert.deepEqual(auditDatabase(db), []);
  });
});
