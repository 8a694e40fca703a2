// The replica, update parsing and diffs, condition sequencing and the reconnect back-off, as pure units.
import { strict as assert } from 'node:assert';
import { SeededRandom } from '../../runtime/seeded-random';
import { Replica, changedColumns } from './replica';
import { RowInterner } from './row-interner';
import { applyDatumDiff, parseTableUpdates } from './updates';
import { ConditionTracker } from './conditions';
import { RemoteRotation } from './reconnect';
import { interpretTransactReply } from './txn-reply';
import { testSchema, u } from './fake-server.test';

const col = (table: string, name: string) => testSchema.tables.get(table)!.columnsByName.get(name)!;

describe('IDL replica and change tracking', function () {
  it('coalesces changes per row and keeps the old row; rows are shared immutable values', function () {
    const r = new Replica(testSchema);
    r.applyUpdates(parseTableUpdates({ Sw: { [u(1)]: { insert: { name: 'a' } }, [u(2)]: { insert: { name: 'b' } } } }, 2));
    assert.equal(r.seqno, 1);
    r.clearChanges();
    const oldA = r.row('Sw', u(1))!;
    r.applyUpdates(parseTableUpdates({ Sw: { [u(1)]: { modify: { name: 'a2', n: 3 } }, [u(3)]: { insert: { name: 'c' } } } }, 2));
    r.applyUpdates(parseTableUpdates({ Sw: { [u(1)]: { modify: { n: ['set', []] } }, [u(3)]: { delete: null }, [u(2)]: { delete: null } } }, 2));
    const changes = r.changes('Sw');
    assert.deepEqual(changes.map((c) => `${c.kind} ${c.uuid}`).sort(), [`delete ${u(2)}`, `modify ${u(1)}`].sort(), 'insert+delete of c vanishes');
    const mod = changes.find((c) => c.kind === 'modify')!;
    assert.deepEqual(changedColumns(testSchema.tables.get('Sw')!, mod), ['name'], 'n went 3 and back to empty: unchanged overall');
    assert.equal(changedColumns(testSchema.tables.get('Sw')!, changes.find((c) => c.kind === 'delete')!).length, 4);
    assert.equal(mod.old, oldA, 'old is the row before the first change');
    assert.deepEqual(mod.new!.values[col('Sw', 'name').index]!.keys, ['a2']);
    assert.deepEqual(mod.new!.values[col('Sw', 'n').index]!.keys, []);
    assert.equal(mod.new!.values[col('Sw', 'cfg').index], oldA.values[col('Sw', 'cfg').index], 'unchanged datums are reused, not copied');
    assert.deepEqual(oldA.values[col('Sw', 'name').index]!.keys, ['a'], 'a kept row never changes');
    assert.equal(r.seqno, 3);
    // A modify that changes nothing does not bump the seqno.
    r.applyUpdates(parseTableUpdates({ Sw: { [u(1)]: { modify: {} } } }, 2));
    assert.equal(r.seqno, 3);
  });

  it('shares rows between replicas fed the same update objects through a RowInterner', function () {
    const interner = new RowInterner();
    const replicas = [new Replica(testSchema, interner), new Replica(testSchema, interner), new Replica(testSchema, interner)];
    const insert = parseTableUpdates({ Sw: { [u(1)]: { insert: { name: 'a', cfg: ['map', [['k', 'v']]] } } } }, 2);
    const modify = parseTableUpdates({ Sw: { [u(1)]: { modify: { n: 4 } } } }, 2);
    for (const r of replicas) r.applyUpdates(insert);
    for (const r of replicas) r.applyUpdates(modify);
    const rows = replicas.map((r) => r.row('Sw', u(1)));
    assert.ok(rows.every((row) => row === rows[0]), 'one row object for all replicas');
    assert.deepEqual(rows[0]!.values[col('Sw', 'n').index]!.keys, [4]);
    assert.equal(interner.hits, 4);
    // Equal JSON in different objects: equal rows, built separately; a no-op modify keeps the row.
    const other = new Replica(testSchema, interner);
    other.applyUpdates(parseTableUpdates({ Sw: { [u(1)]: { insert: { name: 'a', cfg: ['map', [['k', 'v']]] } } } }, 2));
    assert.notEqual(other.row('Sw', u(1)), replicas[0]!.row('Sw', u(1)));
    const before = other.row('Sw', u(1));
    const seq = other.seqno;
    other.applyUpdates(parseTableUpdates({ Sw: { [u(1)]: { modify: { name: 'a' } } } }, 2));
    assert.equal(other.row('Sw', u(1)), before);
    assert.equal(other.seqno, seq);
  });

  it('reports bad updates with the row and table, applying the rest', function () {
    const r = new Replica(testSchema);
    const problems = r.applyUpdates(parseTableUpdates({ Sw: { [u(1)]: { modify: { name: 'x' } }, [u(2)]: { insert: { name: 7 } }, [u(3)]: { insert: { name: 'ok' } } }, Nope: { [u(4)]: { insert: {} } } }, 2));
    assert.equal(problems.length, 3);
    assert.equal(problems[0]!.message, `cannot modify missing row ${u(1)} in table Sw`);
    assert.deepEqual([problems[1]!.table, problems[1]!.uuid], ['Sw', u(2)]);
    assert.match(problems[1]!.message, /expected string/);
    assert.equal(problems[2]!.message, 'update for unknown table "Nope"');
    assert.ok(r.row('Sw', u(3)));
    assert.throws(() => parseTableUpdates({ Sw: { 'not-a-uuid': { insert: {} } } }, 2), /bad UUID "not-a-uuid"/);
    assert.throws(() => parseTableUpdates({ Sw: { [u(1)]: { insert: {}, delete: null } } }, 2), /has 2 members/);
    assert.throws(() => parseTableUpdates({ Sw: { [u(1)]: { delete: {} } } }, 2), /delete operation has unexpected value/);
    assert.throws(() => parseTableUpdates({ Sw: { [u(1)]: {} } }, 1), /missing "old" and "new"/);
  });

  it('applies update2 diffs like upstream: sets toggle, maps add/remove/replace, single values are replaced', function () {
    const ports = col('Sw', 'ports').type;
    assert.deepEqual(applyDatumDiff({ keys: [u(1), u(2)], values: null }, ['set', [['uuid', u(2)], ['uuid', u(3)]]], ports).keys, [u(1), u(3)]);
    const cfg = col('Sw', 'cfg').type;
    assert.deepEqual(applyDatumDiff({ keys: ['a', 'b', 'c'], values: ['1', '2', '3'] }, ['map', [['a', '1'], ['b', '9'], ['d', '4']]], cfg), { keys: ['b', 'c', 'd'], values: ['9', '3', '4'] });
    assert.deepEqual(applyDatumDiff({ keys: [1], values: null }, 5, col('Sw', 'n').type).keys, [5]);
    assert.deepEqual(applyDatumDiff({ keys: [1], values: null }, ['set', []], col('Sw', 'n').type).keys, []);
    assert.deepEqual(applyDatumDiff({ keys: [false], values: null }, true, col('Port', 'up').type).keys, [true]);
  });
});

describe('IDL condition tracker', function () {
  it('promises seqnos as upstream: +1 when nothing is in flight, +2 behind an in-flight change', function () {
    const c = new ConditionTracker();
    c.sync(false);
    c.monitorAcked();
    const s1 = c.set('T', [['a', '==', 1]]);
    assert.equal(s1, c.seqno + 1);
    assert.deepEqual(c.takeChangeRequests(), { T: [{ where: [['a', '==', 1]] }] });
    const s2 = c.set('U', [false]);
    assert.equal(s2, c.seqno + 2);
    assert.equal(c.takeChangeRequests(), null, 'nothing while a change is in flight');
    c.ack();
    assert.equal(c.seqno, s1);
    assert.deepEqual(c.takeChangeRequests(), { U: [{ where: [false] }] });
    assert.equal(c.set('T', [['a', '==', 1]]), c.seqno, 'acked condition set again: already true');
    c.ack();
    assert.equal(c.seqno, s2);
    assert.deepEqual([...c.acked()], [['T', [['a', '==', 1]]], ['U', [false]]]);
  });
});

describe('IDL remote rotation and back-off', function () {
  it('shuffles remotes by seed, rotates, and backs off 1 s doubling to 8 s with free tries per remote', function () {
    const remotes = ['unix:/a', 'unix:/b', 'tcp:127.0.0.1:6641'];
    const r = new RemoteRotation(remotes, new SeededRandom('rot'));
    assert.deepEqual(new RemoteRotation(remotes, new SeededRandom('rot')).remotes, r.remotes, 'same seed, same order');
    assert.deepEqual([...r.remotes].sort(), [...remotes].sort());
    const tried = [r.current];
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      delays.push(r.failed(null));
      tried.push(r.current);
    }
    assert.deepEqual(delays, [0, 0, 4000, 8000, 8000, 8000, 8000]);
    assert.deepEqual(tried.slice(0, 3).sort(), [...remotes].sort(), 'each remote once before repeating');
    assert.equal(r.failed(60_000), 0, 'a healthy connection resets the back-off and the free tries');
    assert.equal(r.currentBackoffMs, 1000);
    const single = new RemoteRotation(['unix:/x'], new SeededRandom('s'));
    assert.deepEqual([single.failed(null), single.failed(null), single.failed(null), single.failed(5000)], [1000, 2000, 4000, 1000]);
    assert.throws(() => new RemoteRotation(['udp:1.2.3.4'], new SeededRandom('s')), /unknown connection method "udp"/);
  });
});

describe('IDL transact reply interpretation', function () {
  it('maps results to statuses and reads insert UUIDs', function () {
    const ins = new Map([['temp', 1]]);
    assert.deepEqual(interpretTransactReply({ kind: 'result', result: [{}, { uuid: ['uuid', u(5)] }] }, 2, ins).insertedUuids.get('temp'), u(5));
    assert.equal(interpretTransactReply({ kind: 'result', result: [{}] }, 2, new Map()).status, 'error');
    assert.equal(interpretTransactReply({ kind: 'result', result: [{}, {}] }, 2, ins).status, 'error', 'insert without a uuid');
    assert.equal(interpretTransactReply({ kind: 'closed', reason: 'x' }, 2, ins).status, 'try-again');
    assert.equal(interpretTransactReply({ kind: 'result', result: [{ error: 'timed out' }, { error: 'not owner' }] }, 2, ins).status, 'not-locked');
  });
});
