// Behaviour of the pure engine beyond the wire replies: blocking "wait", durability and comments, lock
// assertions, read-only mode, the change set handed to monitors and the log writer, row sharing, and
// deterministic UUIDs.
import { strict as assert } from 'node:assert';
import { parseDatabaseSchema } from '../schema/parse-schema';
import { SeededRandom } from '../../runtime/seeded-random';
import type { Json } from '../data/json';
import { InvariantError } from '../../util/assert';
import { Database } from './database';
import { executeTransaction, transact, type TransactOptions } from './execute';
import { kindOf } from './change-set';
import { testSchemaJson } from './test-schema.test';

const schema = parseDatabaseSchema(testSchemaJson);

function fresh(seed = 'engine'): { db: Database; opts: TransactOptions } {
  return { db: new Database(schema), opts: { random: new SeededRandom(seed) } };
}

function ok(db: Database, opts: TransactOptions, ...ops: Json[]): Json[] {
  const out = transact(db, ['Test', ...ops], opts);
  assert.equal(out.kind, 'done');
  if (out.kind !== 'done') return [];
  const r = out.result as Json[];
  assert.ok(!JSON.stringify(r).includes('"error"'), JSON.stringify(r));
  return r;
}

const uuidOf = (r: Json): string => ((r as { uuid: [string, string] }).uuid)[1];

describe('ovsdb engine: wait, commit, comment, assert, read-only', () => {
  const waitOp = (until: string, rows: Json[], timeout?: number): Json => ({
    op: 'wait', table: 'Other', where: [], columns: ['x'], until, rows, ...(timeout === undefined ? {} : { timeout }),
  });

  it('a wait that does not hold blocks, reporting the smallest timeout seen so far', () => {
    const { db, opts } = fresh();
    // Like upstream, execution stops at the first blocking wait; earlier (satisfied) waits count too.
    const out = executeTransaction(db, ['Test', waitOp('!=', [{ x: 1 }], 200), waitOp('==', [{ x: 1 }], 500)], opts);
    assert.deepEqual(out, { kind: 'blocked', timeoutMs: 200 });
    const forever = executeTransaction(db, ['Test', waitOp('==', [{ x: 1 }])], opts);
    assert.deepEqual(forever, { kind: 'blocked', timeoutMs: null });
  });

  it('a retried wait times out once elapsed reaches its timeout, naming the elapsed time', () => {
    const { db, opts } = fresh();
    const out = executeTransaction(db, ['Test', waitOp('==', [{ x: 1 }], 100)], { ...opts, elapsedMs: 150 });
    assert.deepEqual(out.kind === 'done' && out.result, [{ error: 'timed out', details: '"wait" timed out after 150 ms' }]);
    const early = executeTransaction(db, ['Test', waitOp('==', [{ x: 1 }], 100)], { ...opts, elapsedMs: 99 });
    assert.equal(early.kind, 'blocked');
  });

  it('a blocked wait succeeds when retried after the awaited change commits', () => {
    const { db, opts } = fresh();
    const request: Json = ['Test', waitOp('==', [{ x: 7 }], 1000), { op: 'insert', table: 'Pair', row: { a: 1, b: 'after-wait' } }];
    assert.equal(executeTransaction(db, request, opts).kind, 'blocked');
    ok(db, opts, { op: 'insert', table: 'Other', row: { x: 7 } });
    const retried = transact(db, request, { ...opts, elapsedMs: 20 });
    assert.equal(retried.kind, 'done');
    assert.equal(db.store(schema.tables.get('Pair')!).rows.size, 1);
  });

  it('reports durable commits and comments in the change set', () => {
    const { db, opts } = fresh();
    const out = transact(db, ['Test', { op: 'comment', comment: 'first' }, { op: 'insert', table: 'Other', row: { x: 1 } },
      { op: 'commit', durable: true }, { op: 'comment', comment: 'second' }], opts);
    assert.ok(out.kind === 'done' && out.changeSet);
    assert.equal(out.changeSet.durable, true);
    assert.deepEqual(out.changeSet.comments, ['first', 'second']);
    const plain = transact(db, ['Test', { op: 'insert', table: 'Other', row: { x: 2 } }, { op: 'commit', durable: false }], opts);
    assert.ok(plain.kind === 'done' && plain.changeSet);
    assert.equal(plain.changeSet.durable, false);
  });

  it('assert succeeds only for locks the session owns', () => {
    const { db, opts } = fresh();
    const owned = new Set(['mine']);
    const o = { ...opts, isLockOwned: (l: string) => owned.has(l) };
    const good = transact(db, ['Test', { op: 'assert', lock: 'mine' }, { op: 'insert', table: 'Other', row: { x: 1 } }], o);
    assert.ok(good.kind === 'done' && good.changeSet);
    const bad = transact(db, ['Test', { op: 'assert', lock: 'theirs' }, { op: 'insert', table: 'Other', row: { x: 2 } }], o);
    assert.deepEqual(bad.kind === 'done' && bad.result, [{ error: 'not owner', details: 'Asserted lock theirs not held.' }, null]);
  });

  it('read-only mode refuses writes but allows reads', () => {
    const { db, opts } = fresh();
    const out = transact(db, ['Test', { op: 'select', table: 'Other', where: [] }, { op: 'insert', table: 'Other', row: { x: 1 } }],
      { ...opts, readOnly: true });
    assert.deepEqual(out.kind === 'done' && out.result, [{ rows: [] },
      { error: 'not allowed', details: 'insert operation not allowed when database server is in read only mode' }]);
  });

  it('rejects malformed params with a single error object', () => {
    const { db, opts } = fresh();
    const notArray = transact(db, { x: 1 }, opts);
    assert.deepEqual(notArray.kind === 'done' && notArray.result,
      { error: 'syntax error', details: 'array expected', syntax: '{"x":1}' });
    const wrongDb = transact(db, ['Nope', { op: 'comment', comment: 'x' }], opts);
    assert.deepEqual(wrongDb.kind === 'done' && wrongDb.result,
      { error: 'syntax error', details: 'database name expected as first parameter', syntax: '["Nope",{"comment":"x","op":"comment"}]' });
  });
});

describe('ovsdb engine: change sets', () => {
  it('describe inserts, modifications (with changed columns and old/new rows) and deletions', () => {
    const { db, opts } = fresh();
    const [a] = ok(db, opts, { op: 'insert', table: 'Root', row: { name: 'a', i: 1, m: ['map', [['k', 1]]] } });
    const ua = uuidOf(a!);
    const before = db.getRow('Root', ua)!;
    const out = transact(db, ['Test',
      { op: 'mutate', table: 'Root', where: [['_uuid', '==', ['uuid', ua]]], mutations: [['i', '+=', 1]] },
      { op: 'insert', table: 'Other', row: { x: 5 } }], opts);
    assert.ok(out.kind === 'done' && out.changeSet);
    const cs = out.changeSet;
    assert.equal(cs.changes.length, 2);
    const [mod, ins] = cs.changes;
    assert.equal(mod!.table.name, 'Root'); // tables in schema order
    assert.equal(kindOf(mod!), 'modify');
    assert.equal(mod!.old, before);
    const iCol = schema.tables.get('Root')!.columnsByName.get('i')!;
    assert.deepEqual(mod!.changedColumns, [iCol.index]);
    assert.deepEqual(mod!.new!.values[iCol.index]!.keys, [2]);
    assert.notEqual(mod!.new!.version, before.version, 'a modified row gets a fresh _version');
    // Unchanged columns share the very same Datum objects: rows are cheap to share and to copy.
    const mCol = schema.tables.get('Root')!.columnsByName.get('m')!;
    assert.equal(mod!.new!.values[mCol.index], before.values[mCol.index]);
    assert.equal(kindOf(ins!), 'insert');
    assert.equal(ins!.changedColumns, null);
    assert.equal(db.getRow('Root', ua), mod!.new, 'the database holds the change set row itself');

    const del = transact(db, ['Test', { op: 'delete', table: 'Root', where: [] }], opts);
    assert.ok(del.kind === 'done' && del.changeSet);
    assert.deepEqual(del.changeSet.changes.map(kindOf), ['delete']);
    assert.equal(del.changeSet.changes[0]!.old, mod!.new);
  });

  it('omit rows touched without change and report garbage collection and weak-reference cleanup', () => {
    const { db, opts } = fresh();
    const [root, , target] = ok(db, opts,
      { op: 'insert', table: 'Root', uuid: '11111111-1111-4111-8111-111111111111', row: { name: 'p', kids: ['named-uuid', 'c'] } },
      { op: 'insert', table: 'Child', 'uuid-name': 'c', row: { name: 'kid' } },
      { op: 'insert', table: 'Root', uuid: '22222222-2222-4222-8222-222222222222', row: { name: 't' } });
    ok(db, opts, { op: 'update', table: 'Root', where: [['name', '==', 'p']], row: { weak: ['uuid', uuidOf(target!)] } });
    const same = transact(db, ['Test', { op: 'update', table: 'Root', where: [['name', '==', 'p']], row: { name: 'p' } }], opts);
    assert.ok(same.kind === 'done');
    assert.equal(same.changeSet, null, 'an update that changes nothing commits nothing');

    const out = transact(db, ['Test',
      { op: 'update', table: 'Root', where: [['name', '==', 'p']], row: { kids: ['set', []] } },
      { op: 'delete', table: 'Root', where: [['name', '==', 't']] }], opts);
    assert.ok(out.kind === 'done' && out.changeSet);
    const summary = out.changeSet.changes.map((c) => `${c.table.name}:${kindOf(c)}`);
    assert.deepEqual(summary, ['Root:modify', 'Root:delete', 'Child:delete']);
    const modified = out.changeSet.changes[0]!;
    assert.equal(modified.uuid, uuidOf(root!));
    const cols = schema.tables.get('Root')!.columnsByName;
    assert.deepEqual(modified.changedColumns, [cols.get('kids')!.index, cols.get('weak')!.index]);
    assert.deepEqual(modified.new!.values[cols.get('weak')!.index]!.keys, []);
  });

  it('removes a weak reference to a row deleted in the same transaction that also modifies the referrer', () => {
    // Upstream 3.1.0 leaves this reference dangling when the referrer happens to be assessed before the
    // deleted row (its hash-table order): A (00000000-...) keeps pointing at the deleted B (00000001-...).
    // We always remove it, as the weak-reference rules require.
    const { db, opts } = fresh();
    const A = '00000000-0000-4000-8000-000000000000';
    const B = '00000001-0000-4000-8000-000000000000';
    ok(db, opts, { op: 'insert', table: 'Root', uuid: B, row: { name: 'b' } },
      { op: 'insert', table: 'Root', uuid: A, row: { name: 'a', weak: ['uuid', B] } });
    ok(db, opts, { op: 'update', table: 'Root', where: [['name', '==', 'a']], row: { b: true } },
      { op: 'delete', table: 'Root', where: [['name', '==', 'b']] });
    const [sel] = ok(db, opts, { op: 'select', table: 'Root', where: [], columns: ['name', 'weak'] });
    assert.deepEqual(sel, { rows: [{ name: 'a', weak: ['set', []] }] });
  });

  it('flags change sets that touch only ephemeral columns', () => {
    const { db, opts } = fresh();
    ok(db, opts, { op: 'insert', table: 'Root', row: { name: 'a' } });
    const eph = transact(db, ['Test', { op: 'update', table: 'Root', where: [], row: { eph: 3 } }], opts);
    assert.ok(eph.kind === 'done' && eph.changeSet?.onlyEphemeral === true);
    const real = transact(db, ['Test', { op: 'update', table: 'Root', where: [], row: { eph: 4, b: true } }], opts);
    assert.ok(real.kind === 'done' && real.changeSet?.onlyEphemeral === false);
  });

  it('apply refuses a change set computed on another generation', () => {
    const { db, opts } = fresh();
    const a = executeTransaction(db, ['Test', { op: 'insert', table: 'Other', row: { x: 1 } }], opts);
    const b = executeTransaction(db, ['Test', { op: 'insert', table: 'Other', row: { x: 2 } }], opts);
    assert.ok(a.kind === 'done' && a.changeSet && b.kind === 'done' && b.changeSet);
    db.apply(a.changeSet);
    assert.throws(() => db.apply(b.changeSet!), InvariantError);
  });

  it('draws UUIDs from the injected Random: same seed, same UUIDs', () => {
    const run = (seed: string): Json => {
      const { db, opts } = fresh(seed);
      return ok(db, opts, { op: 'insert', table: 'Other', row: { x: 1 } }, { op: 'insert', table: 'Other', row: { x: 2 } });
    };
    assert.deepEqual(run('s1'), run('s1'));
    assert.notDeepEqual(run('s1'), run('s2'));
    const u = uuidOf((run('s1') as Json[])[0]!);
    assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('adds to a big set in time proportional to the change (references tracked by diff hints)', () => {
    const { db, opts } = fresh();
    const [r] = ok(db, opts, { op: 'insert', table: 'Root', row: { name: 'big' } });
    const where = [['_uuid', '==', ['uuid', uuidOf(r!)]]];
    for (let i = 0; i < 2000; i++) {
      ok(db, opts, { op: 'insert', table: 'Child', 'uuid-name': 'c', row: { name: `c${i}` } },
        { op: 'mutate', table: 'Root', where, mutations: [['kids', 'insert', ['set', [['named-uuid', 'c']]]]] });
    }
    const child = db.store(schema.tables.get('Child')!);
    assert.equal(child.rows.size, 2000);
    for (const uuid of child.rows.keys()) assert.equal(child.strongRefCount(uuid), 1);
    ok(db, opts, { op: 'mutate', table: 'Root', where, mutations: [['kids', 'delete', ['set', [['uuid', [...child.rows.keys()][0]!]]]]] });
    assert.equal(child.rows.size, 1999, 'the removed child was garbage-collected');
  });
});
