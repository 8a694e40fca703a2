import { strict as assert } from 'node:assert';
import { parseDatabaseSchema } from '../schema/parse-schema';
import { SeededRandom } from '../../runtime/seeded-random';
import type { Json } from '../data/json';
import { Database } from './database';
import { transact } from './execute';
import { changeSetToLogRecord, datumDiff } from './log-record';
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
