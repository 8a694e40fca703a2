import { strict as assert } from 'node:assert';
import { Harness, result, rpcError } from './harness.test';
import { datumDiff } from './datum-diff';
import { parseColumnType } from '../schema/parse-schema';

type Updates = Record<string, Record<string, Record<string, unknown>>>;

function onlyRow(u: Updates, table: string): Record<string, unknown> {
  const rows = Object.values(u[table] ?? {});
  assert.equal(rows.length, 1, JSON.stringify(u));
  return rows[0]!;
}

describe('OvsdbServer: monitors', () => {
  it('monitor (v1): initial, insert, modify (old = changed columns), delete, with column selection', () => {
    const h = new Harness();
    const c = h.connect();
    const w = h.connect();
    h.transact(w, { op: 'insert', table: 'Sw', row: { name: 'a', n: 1 } });
    const initial = result(c.call('monitor', ['T', 'm1', { Sw: { columns: ['name', 'n', 'tags'] } }])) as Updates;
    assert.deepEqual(onlyRow(initial, 'Sw'), { new: { name: 'a', n: 1, tags: ['set', []] } });
    h.transact(w, { op: 'insert', table: 'Sw', row: { name: 'b' } });
    h.transact(w, { op: 'update', table: 'Sw', where: [['name', '==', 'a']], row: { n: 2, cfg: ['map', [['x', 'y']]] } });
    h.transact(w, { op: 'update', table: 'Sw', where: [['name', '==', 'a']], row: { cfg: ['map', []] } }); // unmonitored only
    h.transact(w, { op: 'delete', table: 'Sw', where: [['name', '==', 'b']] });
    const updates = c.notes.map(([m, p]) => [m, (p as [string, Updates])[0], onlyRow(p[1] as Updates, 'Sw')]);
    assert.deepEqual(updates, [
      ['update', 'm1', { new: { name: 'b', n: 0, tags: ['set', []] } }],
      ['update', 'm1', { old: { n: 1 }, new: { name: 'a', n: 2, tags: ['set', []] } }],
      ['update', 'm1', { old: { name: 'b', n: 0, tags: ['set', []] } }],
    ]);
    assert.deepEqual(rpcError(c.call('monitor', ['T', 'm1', { Sw: {} }])), { error: 'syntax error', details: 'duplicate monitor ID', syntax: '"m1"' });
    assert.deepEqual(result(c.call('monitor_cancel', ['m1'])), {});
    h.transact(w, { op: 'insert', table: 'Sw', row: { name: 'c' } });
    assert.equal(c.notes.length, 3, 'no updates after monitor_cancel');
  });

  it('monitor with "select" flags reports only the selected kinds of change', () => {
    const h = new Harness();
    const c = h.connect();
    const w = h.connect();
    h.transact(w, { op: 'insert', table: 'Sw', row: { name: 'a' } });
    const initial = result(c.call('monitor', ['T', 'm', { Sw: [{ columns: ['name'], select: { initial: false, modify: false } }] }]));
    assert.deepEqual(initial, {});
    h.transact(w, { op: 'update', table: 'Sw', where: [], row: { name: 'a2' } });
    h.transact(w, { op: 'insert', table: 'Sw', row: { name: 'b' } });
    assert.deepEqual(c.notes.map(([, p]) => Object.values((p[1] as Updates).Sw!)[0]), [{ new: { name: 'b' } }]);
  });

  it('update2: initial and insert omit defaults, modify carries diffs (sets, maps, scalars), delete is null', () => {
    const h = new Harness();
    const c = h.connect();
    const w = h.connect();
    h.transact(w, { op: 'insert', table: 'Sw', row: { name: 'a', tags: ['set', ['p', 'q']], cfg: ['map', [['k1', 'v1'], ['k2', 'v2']]] } });
    const initial = result(c.call('monitor_cond', ['T', 'm2', { Sw: [{ columns: ['name', 'tags', 'cfg', 'n', 'note'] }] }])) as Updates;
    assert.deepEqual(onlyRow(initial, 'Sw'), { initial: { name: 'a', tags: ['set', ['p', 'q']], cfg: ['map', [['k1', 'v1'], ['k2', 'v2']]] } });
    h.transact(w, { op: 'update', table: 'Sw', where: [], row: { tags: ['set', ['q', 'r']], cfg: ['map', [['k1', 'v1'], ['k2', 'NEW'], ['k3', 'v3']]], n: 5, note: 'hi' } });
    h.transact(w, { op: 'update', table: 'Sw', where: [], row: { note: ['set', []] } });
    h.transact(w, { op: 'delete', table: 'Sw', where: [] });
    assert.deepEqual(c.notes.map(([m, p]) => [m, onlyRow(p[1] as Updates, 'Sw')]), [
      ['update2', { modify: { tags: ['set', ['p', 'r']], cfg: ['map', [['k2', 'NEW'], ['k3', 'v3']]], n: 5, note: 'hi' } }],
      ['update2', { modify: { note: ['set', []] } }],
      ['update2', { delete: null }],
    ]);
  });

  it('monitor_cond: rows entering and leaving the condition are inserts and deletes; monitor_cond_change re-filters', () => {
    const h = new Harness();
    const c = h.connect();
    const w = h.connect();
    h.transact(w, { op: 'insert', table: 'Sw', row: { name: 'a', n: 1 } }, { op: 'insert', table: 'Sw', row: { name: 'b', n: 2 } });
    const initial = result(c.call('monitor_cond', ['T', 'm', { Sw: [{ columns: ['name', 'n'], where: [['n', '>=', 2]] }] }])) as Updates;
    assert.deepEqual(onlyRow(initial, 'Sw'), { initial: { name: 'b', n: 2 } });
    h.transact(w, { op: 'update', table: 'Sw', where: [['name', '==', 'a']], row: { n: 3 } }); // enters
    h.transact(w, { op: 'update', table: 'Sw', where: [['name', '==', 'b']], row: { n: 0 } }); // leaves
    h.transact(w, { op: 'update', table: 'Sw', where: [['name', '==', 'b']], row: { n: 1 } }); // stays out
    assert.deepEqual(c.notes.map(([, p]) => onlyRow(p[1] as Updates, 'Sw')), [{ insert: { name: 'a', n: 3 } }, { delete: null }]);
    c.notes.length = 0;
    // New condition: n <= 1 (b enters, a leaves); the update comes before the reply, under the new id.
    const box = c.send('monitor_cond_change', ['m', 'm-new', { Sw: [{ where: [['n', '<=', 1]] }] }]);
    h.settleAll();
    assert.deepEqual(result(box.outcome), {});
    assert.equal(c.notes.length, 1);
    assert.equal(c.notes[0]![1][0], 'm-new');
    const rows = Object.values((c.notes[0]![1][1] as Updates).Sw!);
    assert.deepEqual(rows.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))), [{ delete: null }, { insert: { name: 'b', n: 1 } }]);
    assert.deepEqual(rpcError(c.call('monitor_cond_change', ['m', 'x', { Sw: [] }])), { error: 'syntax error', details: 'unknown monitor session', syntax: '"m"' });
    assert.deepEqual(rpcError(c.call('monitor_cond_change', ['m-new', 'm-new', { Port: [] }])), { error: 'syntax error', details: 'no table named Port in monitor session' });
    assert.deepEqual(rpcError(c.call('monitor_cond_change', ['m-new', 'm-new', { Sw: [{ columns: ['n'] }] }])), {
      error: 'syntax error', details: 'changing columns is unsupported', syntax: '{"columns":["n"]}',
    });
  });

  it('monitor_cond_since: catches up from a transaction in history (found), resyncs fully otherwise', () => {
    const h = new Harness({ txnHistoryMax: 3 });
    const c = h.connect();
    const w = h.connect();
    const zero = '00000000-0000-0000-0000-000000000000';
    const req = { Sw: [{ columns: ['name', 'n'] }] };
    const first = result(c.call('monitor_cond_since', ['T', 'm', req, zero])) as [boolean, string, Updates];
    assert.deepEqual(first, [false, zero, {}]);
    h.transact(w, { op: 'insert', table: 'Sw', row: { name: 'a' } });
    const [method, params] = c.notes[0]!;
    assert.equal(method, 'update3');
    const lastSeen = params[1] as string;
    assert.equal(lastSeen, h.db.lastTxnId);
    assert.deepEqual(onlyRow(params[2] as Updates, 'Sw'), { insert: { name: 'a' } });
    // The client goes away; two more transactions happen; it comes back with the id it last saw.
    c.conn.reset();
    h.settleAll();
    h.transact(w, { op: 'update', table: 'Sw', where: [], row: { n: 7 } });
    h.transact(w, { op: 'insert', table: 'Sw', row: { name: 'b', n: 1 } }, { op: 'insert', table: 'Sw', row: { name: 'tmp' } });
    h.transact(w, { op: 'delete', table: 'Sw', where: [['name', '==', 'tmp']] });
    const back = h.connect();
    const [found, last, updates] = result(back.call('monitor_cond_since', ['T', 'm', req, lastSeen])) as [boolean, string, Updates];
    assert.equal(found, true);
    assert.equal(last, h.db.lastTxnId);
    const rows = Object.values(updates.Sw!).map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(rows, ['{"insert":{"name":"b","n":1}}', '{"modify":{"n":7}}']);
    // Too old (fell out of the bounded history) or unknown: found=false and the full content.
    for (let i = 0; i < 1; i++) h.transact(w, { op: 'mutate', table: 'Sw', where: [], mutations: [['n', '+=', 1]] });
    const late = h.connect();
    const [found2, , full] = result(late.call('monitor_cond_since', ['T', 'm', req, lastSeen])) as [boolean, string, Updates];
    assert.equal(found2, false);
    assert.deepEqual(Object.values(full.Sw!).map((r) => Object.keys(r)[0]), ['initial', 'initial']);
  });

  it('with the history off (upstream standalone), monitor_cond_since always resyncs with a zero id', () => {
    const h = new Harness({ txnHistoryMax: 0 });
    const c = h.connect();
    const w = h.connect();
    h.transact(w, { op: 'insert', table: 'Sw', row: { name: 'a' } });
    const zero = '00000000-0000-0000-0000-000000000000';
    const r = result(c.call('monitor_cond_since', ['T', 'm', { Sw: [{ columns: ['name'] }] }, zero])) as [boolean, string, Updates];
    assert.equal(r[0], false);
    assert.equal(r[1], zero);
    assert.deepEqual(onlyRow(r[2], 'Sw'), { initial: { name: 'a' } });
  });

  it('composes each update once per distinct monitor spec and shares it between clients', () => {
    const h = new Harness();
    const w = h.connect();
    const same = [h.connect(), h.connect(), h.connect()];
    const other = h.connect();
    for (const c of same) result(c.call('monitor_cond', ['T', 'm', { Sw: [{ columns: ['name'], where: [['n', '==', 0]] }] }]));
    result(other.call('monitor_cond', ['T', 'm', { Sw: [{ columns: ['name'], where: [['n', '==', 1]] }] }]));
    const before = { ...h.server.stats };
    h.transact(w, { op: 'insert', table: 'Sw', row: { name: 'a' } });
    assert.equal(h.server.stats.updateCompositions - before.updateCompositions, 2, 'one composition per distinct spec');
    assert.equal(h.server.stats.updateSerializations - before.updateSerializations, 1, 'one serialization for the three equal monitors');
    assert.equal(h.server.stats.notificationEncodings - before.notificationEncodings, 1);
    assert.deepEqual(same.map((c) => c.notes), same.map(() => [['update2', ['m', { Sw: Object.fromEntries([[Object.keys((same[0]!.notes[0]![1][1] as Updates).Sw!)[0]!, { insert: { name: 'a' } }]]) }]]]));
    assert.equal(other.notes.length, 0);
  });

  it('a client sees the updates of its own transaction before the reply', () => {
    const h = new Harness();
    const c = h.connect();
    result(c.call('monitor', ['T', 'm', { Sw: { columns: ['name'] } }]));
    const order: string[] = [];
    const origNotes = c.notes.push.bind(c.notes);
    c.notes.push = (...items) => {
      order.push('update');
      return origNotes(...items);
    };
    c.rpc.request('transact', ['T', { op: 'insert', table: 'Sw', row: { name: 'x' } }], () => order.push('reply'));
    h.settleAll();
    assert.deepEqual(order, ['update', 'reply']);
  });
});

describe('datumDiff', () => {
  it('is the new value for single-valued columns and the symmetric difference / changed pairs otherwise', () => {
    const set = parseColumnType({ key: 'integer', min: 0, max: 'unlimited' });
    assert.deepEqual(datumDiff({ keys: [1, 2, 3], values: null }, { keys: [2, 3, 4], values: null }, set), { keys: [1, 4], values: null });
    const map = parseColumnType({ key: 'string', value: 'string', min: 0, max: 'unlimited' });
    assert.deepEqual(
      datumDiff({ keys: ['a', 'b', 'c'], values: ['1', '2', '3'] }, { keys: ['b', 'c', 'd'], values: ['2', '9', '4'] }, map),
      { keys: ['a', 'c', 'd'], values: ['1', '9', '4'] },
    );
    const opt = parseColumnType({ key: 'string', min: 0, max: 1 });
    const next = { keys: [], values: null };
    assert.equal(datumDiff({ keys: ['x'], values: null }, next, opt), next);
  });
});

describe('OvsdbServer: many identical monitors (DESIGN §3a)', () => {
  it('500 clients with the same conditional monitor cost one composition and one encoding per commit', () => {
    const h = new Harness({ file: false });
    const w = h.connect();
    const clients = Array.from({ length: 500 }, () => h.connect());
    for (const c of clients) result(c.call('monitor_cond_since', ['T', ['T', 'mon'], { Sw: [{ columns: ['name', 'n'], where: [['n', '<', 5]] }] }, '00000000-0000-0000-0000-000000000000']));
    const before = { ...h.server.stats };
    for (let i = 0; i < 20; i++) h.transact(w, { op: 'insert', table: 'Sw', row: { name: `x${i}`, n: i % 10 } });
    const after = h.server.stats;
    assert.equal(after.commits - before.commits, 20);
    assert.equal(after.updateCompositions - before.updateCompositions, 20);
    assert.equal(after.notificationEncodings - before.notificationEncodings, 10, 'only commits matching the condition are encoded');
    for (const c of [clients[0]!, clients[499]!]) assert.equal(c.notes.length, 10);
    // Every client got the same notifications (they were encoded once and the bytes shared).
    const first = clients[0]!.notes.map((n) => JSON.stringify(n));
    assert.ok(clients.every((c) => JSON.stringify(c.notes.map((n) => JSON.stringify(n))) === JSON.stringify(first)));
  });
});
