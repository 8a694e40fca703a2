import { strict as assert } from 'node:assert';
import { parseDatabaseSchema } from '../schema/parse-schema';
import { SeededRandom } from '../../runtime/seeded-random';
import type { Json } from '../data/json';
import { Database } from './database';
import { transact } from './execute';
import { changeSetToLogRecord, datumDiff } from './log-record';
import { logRecordToChangeSet } from './log-replay';
import { auditDatabase } from './invariants';
import { OvsdbError } from '../data/error';
import { testSchemaJson } from './test-schema.test';

const schema = parseDatabaseSchema(testSchemaJson);
const A = '0000000a-0000-4000-8000-000000000000';

function record(db: Database, random: SeededRandom, ...ops: Json[]): Json {
  const out = transact(db, ['Test', ...ops], { random });
  assert.ok(out.kind === 'done');
  return out.changeSet ? changeSetToLogRecord(out.changeSet) : null;
}

describe('ovsdb change sets as database file records', () => {
  it('writes inserts (non-default persistent columns), diffs of modifications, deletions and comments', () => {
    const db = new Database(schema);
    const random = new SeededRandom('log');
    assert.deepEqual(record(db, random, { op: 'insert', table: 'Root', uuid: A,
      row: { name: 'a', b: false, ints: ['set', [1, 2]], m: ['map', [['k', 1], ['j', 2]]], eph: 5 } }),
    { Root: { [A]: { name: 'a', ints: ['set', [1, 2]], m: ['map', [['j', 2], ['k', 1]]] } }, _is_diff: true });
    assert.deepEqual(record(db, random, { op: 'comment', comment: 'one' }, { op: 'comment', comment: 'two' },
      { op: 'mutate', table: 'Root', where: [], mutations: [['ints', 'delete', 1], ['ints', 'insert', 3], ['m', 'insert', ['map', [['z', 0]]]]] },
      { op: 'update', table: 'Root', where: [], row: { i: 4, b: true } }),
    { Root: { [A]: { ints: ['set', [1, 3]], m: ['map', [['z', 0]]], i: 4, b: true } }, _comment: 'one\ntwo', _is_diff: true });
    assert.equal(record(db, random, { op: 'update', table: 'Root', where: [], row: { eph: 9 } }), null,
      'a change to ephemeral columns only is not written');
    assert.deepEqual(record(db, random, { op: 'delete', table: 'Root', where: [] }), { Root: { [A]: null }, _is_diff: true });
  });

  it('diffs sets and maps like upstream (symmetric difference; changed map values take the new value)', () => {
    const set = schema.tables.get('Root')!.columnsByName.get('ints')!.type;
    const map = schema.tables.get('Root')!.columnsByName.get('m')!.type;
    const opt = schema.tables.get('Root')!.columnsByName.get('i')!.type;
    assert.deepEqual(datumDiff({ keys: [1, 2], values: null }, { keys: [2, 3], values: null }, set), { keys: [1, 3], values: null });
    assert.deepEqual(datumDiff({ keys: ['a', 'b'], values: [1, 2] }, { keys: ['b', 'c'], values: [5, 3] }, map),
      { keys: ['a', 'b', 'c'], values: [1, 5, 3] });
    const newer = { keys: [7], values: null };
    assert.equal(datumDiff({ keys: [], values: null }, newer, opt), newer, 'an optional value is written whole');
  });
});

describe('ovsdb database file records read back', () => {
  it('rebuilds the same rows from the records of inserts, set/map diffs and deletions', () => {
    const db = new Database(schema);
    const loaded = new Database(schema);
    const random = new SeededRandom('replay');
    const B = '0000000b-0000-4000-8000-000000000000';
    const steps: Json[][] = [
      [{ op: 'insert', table: 'Root', uuid: A, row: { name: 'a', ints: ['set', [1, 2]], m: ['map', [['k', 1], ['j', 2]]], s: 'x' } },
        { op: 'insert', table: 'Root', uuid: B, row: { name: 'b', weak: ['uuid', A] } }],
      [{ op: 'mutate', table: 'Root', where: [['name', '==', 'a']],
        mutations: [['ints', 'delete', 1], ['ints', 'insert', 3], ['m', 'delete', ['set', ['j']]], ['m', 'insert', ['map', [['z', 0]]]]] }],
      [{ op: 'update', table: 'Root', where: [['name', '==', 'a']], row: { m: ['map', [['k', 7], ['z', 0]]], s: ['set', []], i: 3 } }],
      [{ op: 'delete', table: 'Root', where: [['name', '==', 'a']] }],
    ];
    for (const ops of steps) {
      const out = transact(db, ['Test', ...ops], { random });
      assert.ok(out.kind === 'done' && out.changeSet, JSON.stringify(out));
      const rec = changeSetToLogRecord(out.changeSet);
      assert.ok(rec);
      loaded.apply(logRecordToChangeSet(loaded, JSON.parse(JSON.stringify(rec)) as Json, random));
      for (const t of schema.tables.values()) {
        const want = new Map([...db.store(t).rows].map(([u, r]) => [u, r.values]));
        const got = new Map([...loaded.store(t).rows].map(([u, r]) => [u, r.values]));
        assert.deepEqual(got, want, `after ${JSON.stringify(ops)}`);
      }
    }
    assert.deepEqual(auditDatabase(loaded), []);
  });

  it('rejects damaged records with a clear error', () => {
    const db = new Database(schema);
    const random = new SeededRandom('damaged');
    const bad: Array<[Json, RegExp]> = [
      [[1], /must be a JSON object/],
      [{ Nope: {} }, /unknown table Nope/],
      [{ Root: { 'not-a-uuid': {} } }, /not a valid UUID/],
      [{ Root: { [A]: null } }, /deletion of missing row/],
      [{ Root: { [A]: { nope: 1 } } }, /unknown column nope/],
      [{ Root: { [A]: { i: 5000 } } }, /table Root row .* column i: 5000 is not in the valid range/],
    ];
    for (const [rec, re] of bad) {
      assert.throws(() => logRecordToChangeSet(db, rec, random), (e: unknown) => e instanceof OvsdbError && re.test(e.message));
    }
  });
});
