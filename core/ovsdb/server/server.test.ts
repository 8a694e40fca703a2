import { strict as assert } from 'node:assert';
import type { JsonValue } from '../../json/value';
import { DatabaseLog } from '../log';
import { Harness, result, rpcError } from './harness.test';

const enc = new TextEncoder();

describe('OvsdbServer: methods', () => {
  it('answers list_dbs, get_schema, get_server_id and echo; unknown databases and methods get upstream errors', () => {
    const h = new Harness();
    const c = h.connect();
    assert.deepEqual(result(c.call('list_dbs', [])), ['T', '_Server']);
    const schema = result(c.call('get_schema', ['T'])) as { name: string; tables: Record<string, unknown> };
    assert.equal(schema.name, 'T');
    assert.deepEqual(Object.keys(schema.tables).sort(), ['Port', 'Sw']);
    assert.deepEqual(rpcError(c.call('get_schema', ['Nope'])), {
      error: 'unknown database', details: 'get_schema request specifies unknown database Nope', syntax: '["Nope"]',
    });
    assert.deepEqual(rpcError(c.call('get_schema', [])), {
      error: 'syntax error', details: 'get_schema request params must begin with <db-name>', syntax: '[]',
    });
    assert.equal(result(c.call('get_server_id', [])), h.server.serverId);
    assert.deepEqual(result(c.call('echo', ['x', 1])), ['x', 1]);
    assert.equal(rpcError(c.call('bogus', [])), 'unknown method');
    assert.deepEqual(result(c.call('set_db_change_aware', [true])), {});
  });

  it('serves the _Server database: one Database row per database, read-only', () => {
    const h = new Harness();
    const c = h.connect();
    const r = result(c.call('transact', ['_Server', { op: 'select', table: 'Database', where: [], columns: ['name', 'model', 'connected', 'leader'] }])) as Array<{ rows: JsonValue[] }>;
    const rows = r[0]!.rows.map((x) => JSON.stringify(x)).sort();
    assert.deepEqual(rows, [
      '{"name":"T","model":"standalone","connected":true,"leader":true}',
      '{"name":"_Server","model":"standalone","connected":true,"leader":true}',
    ]);
    const del = result(c.call('transact', ['_Server', { op: 'delete', table: 'Database', where: [] }])) as Array<{ error: string }>;
    assert.equal(del[0]!.error, 'not allowed');
    const m = result(c.call('monitor_cond', ['_Server', 'S', { Database: [{ columns: ['name', 'schema'] }] }])) as { Database: Record<string, { initial: { name: string; schema: string } }> };
    const t = Object.values(m.Database).find((x) => x.initial.name === 'T')!;
    assert.equal(JSON.parse(t.initial.schema).name, 'T');
  });

  it('commits transactions to the file and reloads them after a restart', () => {
    const h = new Harness();
    const c = h.connect();
    const r = h.transact(c, { op: 'insert', table: 'Sw', row: { name: 'a', n: 3, tags: ['set', ['x', 'y']] } }) as Array<{ uuid: [string, string] }>;
    const uuid = r[0]!.uuid[1];
    h.transact(c, { op: 'update', table: 'Sw', where: [['name', '==', 'a']], row: { tags: ['set', ['y', 'z']], cfg: ['map', [['k', 'v']]] } });
    h.storage.crash(); // nothing durable was asked for, but a fresh open must still see what was synced
    const h2log = DatabaseLog.open(h.storage, '/t.db');
    assert.ok(h2log.transactions.length <= 2);
    h.start();
    const c2 = h.connect();
    const rows = (h.transact(c2, { op: 'select', table: 'Sw', where: [], columns: ['_uuid', 'name', 'tags', 'cfg'] }) as Array<{ rows: JsonValue[] }>)[0]!.rows;
    if (h2log.transactions.length === 2) {
      assert.deepEqual(rows, [{ _uuid: ['uuid', uuid], name: 'a', tags: ['set', ['y', 'z']], cfg: ['map', [['k', 'v']]] }]);
    }
  });

  it('fsyncs a durable commit before replying, and writes the diff record upstream writes', () => {
    const h = new Harness();
    const c = h.connect();
    const serverSide = c.conn.peer;
    const send = serverSide.send.bind(serverSide);
    serverSide.send = (bytes: Uint8Array) => {
      h.storage.operations.push('reply sent');
      send(bytes);
    };
    h.storage.operations.length = 0;
    h.transact(c, { op: 'insert', table: 'Sw', row: { name: 'd' } }, { op: 'commit', durable: true });
    const ops = h.storage.operations.filter((o) => !o.startsWith('append'));
    assert.deepEqual(ops, ['fsync /t.db', 'reply sent']);
    assert.ok(h.storage.operations[0]!.startsWith('append /t.db'));
    // Not durable: appended, not fsynced, before the reply.
    h.storage.operations.length = 0;
    h.transact(c, { op: 'mutate', table: 'Sw', where: [], mutations: [['tags', 'insert', ['set', ['q']]]] });
    assert.deepEqual(h.storage.operations.map((o) => o.split(' ')[0]), ['append', 'reply']);
    const log = DatabaseLog.open(h.storage, '/t.db');
    const last = log.transactions[log.transactions.length - 1]!.json as Record<string, unknown>;
    assert.equal(last['_is_diff'], true);
    const sw = last['Sw'] as Record<string, unknown>;
    assert.deepEqual(Object.values(sw), [{ tags: 'q' }]);
  });

  it('a failed write gets an I/O error in the reply and changes nothing', () => {
    const h = new Harness();
    const c = h.connect();
    h.storage.failNext('append');
    const r = h.transact(c, { op: 'insert', table: 'Sw', row: { name: 'x' } }) as Array<{ error?: string }>;
    assert.equal(r.length, 2);
    assert.equal(r[1]!.error, 'I/O error');
    assert.equal(h.db.db.table('Sw')!.rows.size, 0);
  });

  it('waits: a blocked "wait" is retried after every commit, and times out on the clock', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    const waitFor = (name: string, timeout?: number) => ({
      op: 'wait', table: 'Sw', where: [['name', '==', name]], columns: ['name'], until: '==', rows: [{ name }], ...(timeout !== undefined ? { timeout } : {}),
    });
    const pending = a.send('transact', ['T', waitFor('w'), { op: 'insert', table: 'Sw', row: { name: 'after-w' } }]);
    const timing = a.send('transact', ['T', waitFor('never', 500)]);
    h.settleAll();
    assert.equal(pending.outcome, undefined);
    h.transact(b, { op: 'insert', table: 'Sw', row: { name: 'other' } });
    assert.equal(pending.outcome, undefined, 'still waiting after an unrelated commit');
    h.transact(b, { op: 'insert', table: 'Sw', row: { name: 'w' } });
    assert.equal((result(pending.outcome) as JsonValue[]).length, 2);
    assert.equal(h.db.db.table('Sw')!.rows.size, 3, 'the waiting transaction committed its insert');
    h.clock.advance(499);
    h.settleAll();
    assert.equal(timing.outcome, undefined);
    h.clock.advance(1);
    h.settleAll();
    assert.deepEqual(result(timing.outcome), [{ error: 'timed out', details: '"wait" timed out after 500 ms' }]);
  });

  it('cancel answers a waiting transaction with "canceled"; a duplicate id gets an error', () => {
    const h = new Harness();
    const raw = h.rawConnect();
    const wait = { op: 'wait', table: 'Sw', where: [], columns: ['name'], until: '==', rows: [{ name: 'z' }] };
    raw.send({ method: 'transact', params: ['T', wait], id: 'w1' });
    assert.deepEqual(raw.received, []);
    raw.send({ method: 'transact', params: ['T', wait], id: 'w1' });
    assert.deepEqual(raw.received, [{ id: 'w1', error: { error: 'syntax error', details: 'transact: duplicate request ID', syntax: JSON.stringify(['T', wait]).replace('{"op":"wait","table":"Sw","where":[],"columns":["name"],"until":"==","rows":[{"name":"z"}]}', '{"columns":["name"],"op":"wait","rows":[{"name":"z"}],"table":"Sw","until":"==","where":[]}') } }]);
    raw.send({ method: 'cancel', params: ['w1'], id: null });
    assert.deepEqual(raw.received[1], { id: 'w1', error: 'canceled' });
    assert.equal(h.server.clientSessions[0]!.pendingTransactions, 0);
  });

  it('a client vanishing mid-transaction leaves no trace and others carry on', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    a.send('transact', ['T', { op: 'wait', table: 'Sw', where: [], columns: ['name'], until: '==', rows: [{ name: 'z' }] }, { op: 'insert', table: 'Sw', row: { name: 'from-a' } }]);
    h.settleAll();
    a.conn.reset('client crashed');
    h.settleAll();
    assert.equal(h.server.sessionCount, 1);
    h.transact(b, { op: 'insert', table: 'Sw', row: { name: 'z' } });
    const names = [...h.db.db.table('Sw')!.rows.values()].map((r) => r.values[0]!.keys[0]);
    assert.deepEqual(names, ['z'], "the vanished client's waiting insert never ran");
  });

  it('malformed input: bad params get JSON-RPC errors, broken JSON closes only that connection', () => {
    const h = new Harness();
    const good = h.connect();
    const bad = h.connect();
    assert.deepEqual(rpcError(bad.call('monitor', ['T', 'm'])), { error: 'syntax error', details: 'invalid parameters', syntax: '["T","m"]' });
    assert.deepEqual(rpcError(bad.call('monitor', ['T', 'm', { Nope: {} }])), { error: 'syntax error', details: 'no table named Nope' });
    assert.deepEqual(rpcError(bad.call('monitor', ['T', 'm', { Sw: { columns: ['nope'] } }])), {
      error: 'syntax error', details: 'nope is not a valid column name', syntax: '["nope"]',
    });
    assert.deepEqual(rpcError(bad.call('monitor_cancel', ['zz'])), 'unknown monitor');
    assert.deepEqual(rpcError(bad.call('lock', [1])), { error: 'syntax error', details: 'lock request params must be <id>', syntax: '[1]' });
    const r = result(bad.call('transact', ['T', { op: 'frob' }])) as Array<{ error: string }>;
    assert.equal(r[0]!.error, 'syntax error');
    bad.conn.send(enc.encode('{"method":"echo","params":[],"id":1}{{{'));
    h.settleAll();
    assert.equal(bad.rpc.isOpen, false);
    assert.equal(h.server.sessionCount, 1);
    assert.deepEqual(result(good.call('list_dbs', [])), ['T', '_Server']);
  });
});

describe('OvsdbServer: locks', () => {
  it('lock, steal and unlock with locked/stolen notifications; "assert" sees ownership', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    assert.deepEqual(result(a.call('lock', ['L'])), { locked: true });
    assert.deepEqual(result(b.call('lock', ['L'])), { locked: false });
    assert.deepEqual(rpcError(b.call('lock', ['L'])), { error: 'syntax error', details: 'must issue "unlock" before new "lock"', syntax: '["L"]' });
    const assertOp = { op: 'assert', lock: 'L' };
    assert.deepEqual(h.transact(a, assertOp), [{}]);
    assert.equal((h.transact(b, assertOp) as Array<{ error: string }>)[0]!.error, 'not owner');
    assert.deepEqual(result(a.call('unlock', ['L'])), {});
    assert.deepEqual(b.notes, [['locked', ['L']]]);
    assert.deepEqual(result(a.call('steal', ['L'])), { locked: true });
    assert.deepEqual(b.notes[1], ['stolen', ['L']]);
    // The thief disconnects: the robbed client is next in line again.
    a.conn.reset();
    h.settleAll();
    assert.deepEqual(b.notes[2], ['locked', ['L']]);
    const c = h.connect();
    assert.deepEqual(rpcError(c.call('unlock', ['L'])), { error: 'syntax error', details: 'unlock: "unlock" without "lock" or "steal"', syntax: '["L"]' });
  });
});

describe('OvsdbServer: backlog and compaction', () => {
  it('disconnects a client whose unsent backlog exceeds the bound, others unaffected', () => {
    const h = new Harness({ maxBacklogBytes: 4000 });
    const slow = h.connect();
    const fast = h.connect();
    result(slow.call('monitor', ['T', 'm', { Sw: {} }]));
    result(fast.call('monitor', ['T', 'm', { Sw: {} }]));
    const writer = h.connect();
    // The slow client stops reading: its server-side outbox is never flushed.
    const slowServerSide = slow.conn.peer;
    const flush = slowServerSide.flush.bind(slowServerSide);
    slowServerSide.flush = () => 0;
    for (let i = 0; i < 40; i++) h.transact(writer, { op: 'insert', table: 'Sw', row: { name: `s${i}`, note: 'x'.repeat(100) } });
    slowServerSide.flush = flush;
    h.settleAll();
    assert.equal(slow.rpc.isOpen, false);
    assert.equal(fast.notes.filter(([m]) => m === 'update').length, 40);
    assert.equal(h.server.sessionCount, 2);
  });

  it('compacts online when the file grows past the policy, keeping the content', () => {
    const h = new Harness({ compaction: { minBytes: 2000, growthFactor: 2, minIntervalMs: 0 } });
    const c = h.connect();
    for (let i = 0; i < 30; i++) h.transact(c, { op: 'insert', table: 'Sw', row: { name: `c${i}`, n: i } });
    const log = DatabaseLog.open(h.storage, '/t.db');
    assert.ok(log.transactions.length < 30, `compaction happened (${log.transactions.length} records)`);
    h.start();
    assert.equal(h.db.db.table('Sw')!.rows.size, 30);
    assert.equal(h.server.compact('Nope'), 'no database by that name');
    assert.equal(h.server.compact('_Server'), 'cannot compact built-in databases');
    assert.equal(h.server.compact(), null);
    assert.equal(DatabaseLog.open(h.storage, '/t.db').transactions.length, 1);
  });
});
