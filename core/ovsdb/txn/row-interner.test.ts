import { strict as assert } from 'node:assert';
import { parseDatabaseSchema } from '../schema/parse-schema';
import { SeededRandom } from '../../runtime/seeded-random';
import { Database } from './database';
import { transact } from './execute';
import { RowInterner } from './row-interner';
import { makeRow } from './row';
import { testSchemaJson } from './test-schema.test';

const schema = parseDatabaseSchema(testSchemaJson);

describe('ovsdb rows: interning by content', () => {
  it('gives every replica the same Row object for the same content, and forgets it when all release', () => {
    const db = new Database(schema);
    const out = transact(db, ['Test', { op: 'insert', table: 'Root', row: { name: 'a', ints: ['set', [1, 2]] } }], {
      random: new SeededRandom('interner'),
    });
    assert.ok(out.kind === 'done' && out.changeSet);
    const original = out.changeSet.changes[0]!.new!;
    const root = schema.tables.get('Root')!;
    // Two replicas parse the same update independently: equal content, different objects.
    const copy1 = makeRow(original.uuid, original.version, original.values.map((d) => ({ keys: [...d.keys], values: d.values && [...d.values] })));
    const copy2 = makeRow(original.uuid, original.version, original.values.map((d) => ({ keys: [...d.keys], values: d.values && [...d.values] })));
    assert.notEqual(copy1, copy2);
    const interner = new RowInterner();
    const a = interner.acquire(root, copy1);
    const b = interner.acquire(root, copy2);
    assert.equal(a, b);
    assert.equal(interner.size, 1);
    interner.release(root, a);
    assert.equal(interner.size, 1, 'still held by the second replica');
    interner.release(root, b);
    assert.equal(interner.size, 0);
    assert.equal(interner.datumCount, 0);
  });

  it('shares equal datums across different rows and distinguishes versions', () => {
    const root = schema.tables.get('Root')!;
    const interner = new RowInterner();
    const d = (k: string) => ({ keys: [k], values: null });
    const values = root.columns.map(() => d('same'));
    const r1 = interner.acquire(root, makeRow('u1', 'v1', values));
    const r2 = interner.acquire(root, makeRow('u2', 'v1', root.columns.map(() => d('same'))));
    assert.notEqual(r1, r2);
    assert.equal(r1.values[0], r2.values[0], 'equal datums are one object');
    const r1b = interner.acquire(root, makeRow('u1', 'v2', values));
    assert.notEqual(r1, r1b, 'a new version is a different row');
    assert.equal(interner.datumCount, 1);
  });

  it('stops sharing beyond its bound instead of growing without limit', () => {
    const other = schema.tables.get('Other')!;
    const interner = new RowInterner(1);
    interner.acquire(other, makeRow('u1', 'v', [{ keys: [1], values: null }]));
    const unshared = makeRow('u2', 'v', [{ keys: [2], values: null }]);
    assert.equal(interner.acquire(other, unshared), unshared);
    assert.equal(interner.size, 1);
    interner.release(other, unshared); // harmless
    assert.equal(interner.size, 1);
  });
});
