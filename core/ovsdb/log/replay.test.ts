import { strict as assert } from 'node:assert';
import { applyTransaction, diffRow, replayRecords, schemaShapes, snapshotRecordChanges, type DatabaseContent } from './replay';
import { buildTransactionRecord, parseTransactionRecord } from './transaction-record';
import { LogError } from './record-codec';
import type { JsonValue } from '../../json/value';

// The schema and the records below are what ovsdb-server 3.1 wrote for a session of transactions
// (see the issue notes: insert, update n/r, delete, insert, set/map updates).
const schema = {
  name: 'T',
  version: '1.0.0',
  tables: {
    A: {
      columns: {
        name: { type: 'string' },
        m: { type: { max: 'unlimited', min: 0, key: 'string', value: 'string' } },
        b: { type: { max: 'unlimited', min: 0, key: 'boolean' } },
        n: { type: 'integer' },
        r: { type: 'real' },
        opt: { type: { key: 'string', min: 0, max: 1 } },
      },
    },
  },
};
const ux = '5f78052c-58e7-475b-a973-dfa578b5ae71';
const uy = 'f6540d23-2d79-45f9-85f4-f723d3bc60d3';
const upstreamRecords: JsonValue[] = [
  { _date: 1795624745386, _is_diff: true, A: { [ux]: { m: ['map', [['k', 'v']]], name: 'x\u00e9"\n\u0001', b: ['set', [false, true]], n: 5, r: 1 } }, _comment: 'hello' },
  { _date: 1795624745392, A: { [ux]: { n: 7, r: 0.1 } }, _is_diff: true },
  { _date: 1795624745397, A: { [ux]: { r: 1e300 } }, _is_diff: true },
  { _date: 1795624745402, A: { [ux]: null }, _is_diff: true },
  { _date: 1795624745408, A: { [uy]: { name: 'y', r: 2.5 } }, _is_diff: true },
  { _date: 1795624767026, A: { [uy]: { m: ['map', [['k', 'v2'], ['z', 'q']]], b: true } }, _is_diff: true },
  { _date: 1795624767032, A: { [uy]: { m: ['map', [['k', 'v2']]], b: ['set', [false, true]] } }, _is_diff: true },
];

function replay(records: JsonValue[]): DatabaseContent {
  return replayRecords(schema, records.map((json, i) => ({ offset: i * 100, size: 100, json })), 'test.db');
}

describe('transaction records and replay', () => {
  it('replays upstream diff records to the content ovsdb-client dump showed', () => {
    const content = replay(upstreamRecords);
    assert.deepEqual([...content.get('A')!.entries()], [[uy, { name: 'y', r: 2.5, m: ['map', [['z', 'q']]], b: false }]]);
  });

  it('toggles set elements, edits map pairs and replaces scalars and optional values (as upstream)', () => {
    const shapes = schemaShapes(schema);
    assert.deepEqual([...shapes.get('A')!.entries()], [['name', 'scalar'], ['m', 'map'], ['b', 'set'], ['n', 'scalar'], ['r', 'scalar'], ['opt', 'scalar']]);
    const content: DatabaseContent = new Map();
    const step = (isDiff: boolean, row: Record<string, JsonValue> | null) =>
      applyTransaction(content, parseTransactionRecord(buildTransactionRecord({ dateMs: 1, isDiff, changes: { A: { [ux]: row as never } } })), shapes);
    step(true, { opt: 'a', b: ['set', [true]], m: ['map', [['1', 'one'], ['2', 'two']]] });
    step(true, { opt: 'b', m: ['map', [['1', 'one'], ['2', 'TWO'], ['3', 'three']]], b: false });
    assert.deepEqual(content.get('A')!.get(ux), { opt: 'b', b: ['set', [true, false]], m: ['map', [['2', 'TWO'], ['3', 'three']]] });
    step(false, { b: ['set', []], name: 'replaced' });
    assert.deepEqual(content.get('A')!.get(ux), { opt: 'b', b: ['set', []], m: ['map', [['2', 'TWO'], ['3', 'three']]], name: 'replaced' });
    step(true, { opt: ['set', []] });
    assert.deepEqual(content.get('A')!.get(ux)!['opt'], ['set', []], 'an optional value is replaced, not toggled');
    step(true, null);
    assert.equal(content.get('A')!.size, 0);
  });

  it('builds the snapshot record of the whole content (what compaction writes)', () => {
    const content = replay(upstreamRecords);
    const record = buildTransactionRecord({ dateMs: 5, comment: 'compacting database online', isDiff: false, changes: snapshotRecordChanges(content) });
    assert.deepEqual(record, { _date: 5, A: { [uy]: { name: 'y', r: 2.5, m: ['map', [['z', 'q']]], b: false } }, _comment: 'compacting database online' });
    assert.deepEqual(replay([record]), content);
  });

  it('round-trips metadata and keeps unknown "_" members', () => {
    const parsed = parseTransactionRecord({ _date: 3, _comment: 'c', _is_diff: true, _other: [1], A: {} });
    assert.deepEqual(parsed, { dateMs: 3, comment: 'c', isDiff: true, changes: { A: {} }, extra: { _other: [1] } });
    assert.deepEqual(buildTransactionRecord(parsed), { _date: 3, _is_diff: true, A: {}, _other: [1], _comment: 'c' });
  });

  it('rejects malformed records and inconsistent replays with the record offset', () => {
    const bad: Array<[JsonValue, RegExp]> = [
      [[1], /not a JSON object/],
      [{ _date: 'x' }, /"_date" is not a number/],
      [{ _is_diff: 1 }, /"_is_diff" is not a boolean/],
      [{ A: [] }, /table A: expected an object of rows/],
      [{ A: { 'not-a-uuid': null } }, /bad row UUID "not-a-uuid"/],
      [{ A: { [ux]: 5 } }, /expected an object or null/],
      [JSON.parse('{"__proto__":{}}') as JsonValue, /"__proto__" is not allowed/],
      [{ 'Bad-Name': {} }, /bad table name/],
    ];
    for (const [json, pattern] of bad) assert.throws(() => parseTransactionRecord(json), pattern);
    const inconsistent: Array<[JsonValue[], RegExp]> = [
      [[{ B: { [ux]: null } }], /at byte 0: record names unknown table B/],
      [[{ A: { [ux]: { name: 'a' } } }, { A: { [ux]: { nope: 1 } } }], /at byte 100: A row .* unknown column nope/],
      [[{ A: { [ux]: null } }], /deleted but does not exist/],
      [[{ A: { [ux]: { m: 'x' } } }, { _is_diff: true, A: { [ux]: { m: 'y' } } }], /expected \["map", \[\.\.\.\]\]/],
    ];
    for (const [records, pattern] of inconsistent) {
      assert.throws(() => replay(records), (e: unknown) => e instanceof LogError && pattern.test(e.message), String(pattern));
    }
  });

  it('computes the same diffs upstream wrote for each update (compared element-wise)', () => {
    const shapes = schemaShapes(schema).get('A')!;
    const canonical = (row: JsonValue) =>
      Object.fromEntries(Object.entries(row as Record<string, JsonValue>).map(([c, d]) => {
        const elements = Array.isArray(d) && (d[0] === 'set' || d[0] === 'map') ? (d[1] as JsonValue[]) : [d];
        return [c, elements.map((e) => JSON.stringify(e)).sort()];
      }));
    let checked = 0;
    for (let i = 1; i < upstreamRecords.length; i++) {
      const before = replay(upstreamRecords.slice(0, i)).get('A')!;
      const after = replay(upstreamRecords.slice(0, i + 1)).get('A')!;
      const written = (upstreamRecords[i] as { A: Record<string, JsonValue> }).A;
      for (const [uuid, row] of Object.entries(written)) {
        const old = before.get(uuid);
        const next = after.get(uuid);
        if (row === null || !old || !next) continue; // deletes and inserts are not diffs
        // Scalars absent from a row hold defaults; fill them so diffRow can compare.
        const fill = (r: Record<string, JsonValue>) => ({ name: '', n: 0, r: 0, ...r });
        assert.deepEqual(canonical(diffRow(fill(old), fill(next), shapes)), canonical(row), `record ${i} row ${uuid}`);
        checked++;
      }
    }
    assert.equal(checked, 4);
    assert.throws(() => diffRow({ name: 'a' }, {}, shapes), /scalar column name is missing/);
    assert.deepEqual(diffRow({ b: ['set', [true]] }, { b: ['set', [true]] }, shapes), {});
  });
});
