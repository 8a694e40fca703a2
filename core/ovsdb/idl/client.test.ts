// The IDL client's protocol behaviour against a scripted server over fake connections and a manual clock.
import { strict as assert } from 'node:assert';
import { datumFromJson } from '../data/datum';
import type { JsonValue } from '../../json/value';
import type { TxnResult } from './txn';
import { makeRig, testSchema, u, type Rig, type ScriptedServer } from './fake-server.test';

const nameType = testSchema.tables.get('Sw')!.columnsByName.get('name')!.type;
const portsType = testSchema.tables.get('Sw')!.columnsByName.get('ports')!.type;

function synced(rig: Rig, rows: Record<string, JsonValue> = {}, lastId = u(100)): ScriptedServer {
  const server = rig.accept();
  const mon = server.handshake();
  server.reply(mon, [false, lastId, rows]);
  assert.equal(rig.idl.state, 'monitoring');
  return server;
}

function names(rig: Rig): string[] {
  return [...rig.idl.replica!.rows('Sw').values()].map((r) => r.values[0]!.keys[0] as string).sort();
}

describe('IDL client (scripted server)', function () {
  it('walks _Server -> monitor_cond_since, then resyncs incrementally after a reconnect with its last txn id', function () {
    const rig = makeRig({ backoff: { minMs: 1000, maxMs: 8000 } });
    const server = rig.accept();
    const mon = server.handshake();
    assert.deepEqual(mon.params[1], ['monid', 'Net']);
    assert.equal(mon.params[3], '00000000-0000-0000-0000-000000000000');
    assert.deepEqual(mon.params[2], { Sw: [{ columns: ['name', 'ports', 'cfg', 'n'] }], Port: [{ columns: ['name', 'up'] }] });
    server.reply(mon, [false, u(100), { Sw: { [u(1)]: { initial: { name: 'a' } }, [u(2)]: { initial: { name: 'b', cfg: ['map', [['k', 'v']]] } } } }]);
    assert.deepEqual(names(rig), ['a', 'b']);
    server.notify('update3', [['monid', 'Net'], u(101), { Sw: { [u(2)]: { modify: { cfg: ['map', [['k', 'v'], ['x', 'y']]], n: 5 } }, [u(1)]: { delete: null } } }]);
    assert.deepEqual(names(rig), ['b']);
    assert.deepEqual(rig.idl.replica!.get('Sw', u(2), 'cfg'), { keys: ['x'], values: ['y'] });
    assert.deepEqual(rig.idl.replica!.get('Sw', u(2), 'n')!.keys, [5]);
    assert.equal(rig.idl.lastTransactionId, u(101));
    rig.idl.replica!.clearChanges();

    server.kill();
    assert.equal(rig.idl.state, 'backoff');
    rig.clock.advance(999);
    assert.equal(rig.transport.attempts.length, 1, 'waits the minimum back-off after losing a healthy connection (one remote)');
    rig.clock.advance(1);
    const again = rig.accept();
    const mon2 = again.handshake();
    assert.equal(mon2.params[3], u(101));
    again.reply(mon2, [true, u(102), { Sw: { [u(3)]: { insert: { name: 'c' } } } }]);
    assert.deepEqual(names(rig), ['b', 'c']);
    assert.deepEqual(rig.idl.replica!.changes().map((c) => `${c.kind} ${c.uuid}`), [`insert ${u(3)}`]);
    assert.deepEqual(rig.events.filter((e) => e.startsWith('synced')), ['synced full', 'synced incremental']);
  });

  it('replaces the replica when monitor_cond_since answers found=false, tracking only real differences', function () {
    const rig = makeRig();
    const server = synced(rig, { Sw: { [u(1)]: { initial: { name: 'a' } }, [u(2)]: { initial: { name: 'b' } } } });
    const before = rig.idl.replica!.row('Sw', u(1));
    rig.idl.replica!.clearChanges();
    server.kill();
    rig.clock.advance(1000);
    const again = rig.accept();
    again.reply(again.handshake(), [false, u(200), { Sw: { [u(1)]: { initial: { name: 'a' } }, [u(3)]: { initial: { name: 'c' } } } }]);
    assert.equal(rig.idl.replica!.row('Sw', u(1)), before, 'an unchanged row keeps its shared value');
    assert.deepEqual(rig.idl.replica!.changes().map((c) => `${c.kind} ${c.uuid}`).sort(), [`delete ${u(2)}`, `insert ${u(3)}`].sort());
  });

  it('falls back from monitor_cond_since to monitor_cond to monitor on errors, and from _Server to get_schema', function () {
    const rig = makeRig();
    const server = rig.accept();
    server.error(server.next('get_schema'), 'unknown database');
    const schemaReq = server.next('get_schema');
    assert.deepEqual(schemaReq.params, ['Net']);
    server.reply(schemaReq, JSON.parse(JSON.stringify({ name: 'Net', version: '1.0.0', tables: { Sw: { columns: { name: { type: 'string' } } } } })) as JsonValue);
    const cond = server.next('monitor_cond');
    assert.deepEqual(cond.params[2], { Sw: [{ columns: ['name'] }] }, 'only what the server has; Port is missing there');
    server.error(cond, 'unknown method');
    const plain = server.next('monitor');
    server.reply(plain, { Sw: { [u(1)]: { new: { name: 'a' } } } });
    assert.equal(rig.idl.monitorMethod, 'monitor');
    server.notify('update', [['monid', 'Net'], { Sw: { [u(1)]: { old: { name: 'a' }, new: { name: 'z' } }, [u(2)]: { new: { name: 'b' } } } }]);
    assert.deepEqual(names(rig), ['b', 'z']);
    assert.ok(rig.events.some((e) => e.includes('lacks table Port')));

    const rig2 = makeRig();
    const s2 = rig2.accept();
    const since = s2.handshake();
    s2.error(since, 'unknown method');
    const cond2 = s2.next('monitor_cond');
    s2.reply(cond2, { Sw: { [u(1)]: { initial: { name: 'a' } } } });
    assert.equal(rig2.idl.monitorMethod, 'monitor_cond');
    s2.notify('update2', [['monid', 'Net'], { Sw: { [u(1)]: { modify: { name: 'q' } } } }]);
    assert.deepEqual(names(rig2), ['q']);
  });

  it('leader-only: leaves a follower for the next remote and never goes back to a lower index', function () {
    const rig = makeRig({ remotes: ['unix:/a', 'unix:/b', 'unix:/c'] });
    const first = rig.accept();
    const firstAddress = rig.transport.attempts[0]!.address;
    first.reply(first.next('get_schema'), { name: '_Server', tables: { Database: { columns: { name: {}, model: {}, connected: {}, leader: {}, schema: {}, index: {} } } } });
    first.reply(first.next('monitor_cond'), { Database: { [u(9)]: { initial: { name: 'Net', model: 'clustered', connected: true, leader: false, schema: '{}', index: 7 } } } });
    assert.ok(rig.events.some((e) => e.includes('not cluster leader')), rig.events.join('\n'));
    assert.equal(rig.idl.state, 'backoff');
    const second = rig.accept(); // the next remote at once: free try
    assert.notEqual(rig.transport.attempts[1]!.address, firstAddress);
    second.reply(second.handshake({ model: 'clustered', leader: true, index: 10 }), [false, u(1), {}]);
    assert.equal(rig.idl.state, 'monitoring');
    // The leader moves on; a reconnect lands on a server that is behind: refused as stale.
    second.kill();
    rig.clock.advance(1000);
    const third = rig.accept();
    third.reply(third.next('get_schema'), { name: '_Server', tables: { Database: { columns: { name: {}, model: {}, connected: {}, leader: {}, schema: {}, index: {} } } } });
    third.reply(third.next('monitor_cond'), { Database: { [u(9)]: { initial: { name: 'Net', model: 'clustered', connected: true, leader: true, schema: '{}', index: 5 } } } });
    assert.ok(rig.events.some((e) => e.includes('stale data (index 5 < 10)')), rig.events.join('\n'));
    // A leader that loses leadership while we monitor it: _Server update -> reconnect elsewhere.
    rig.clock.advance(4000); // three failures in a row: the back-off is now 4 s
    const fourth = rig.accept();
    fourth.reply(fourth.handshake({ model: 'clustered', leader: true, index: 12 }), [true, u(2), {}]);
    fourth.notify('update2', [['monid', '_Server'], { Database: { [u(999)]: { modify: { leader: false } } } }]);
    assert.equal(rig.idl.state, 'backoff');
  });

  it('sequences condition changes: one monitor_cond_change in flight, seqno reached only after the ack', function () {
    const rig = makeRig();
    const early = rig.idl.setCondition('Sw', [['name', '==', 'a']]);
    const server = rig.accept();
    const mon = server.handshake();
    assert.deepEqual(mon.params[2], { Sw: [{ columns: ['name', 'ports', 'cfg', 'n'], where: [['name', '==', 'a']] }], Port: [{ columns: ['name', 'up'] }] });
    server.reply(mon, [false, u(1), { Sw: { [u(1)]: { initial: { name: 'a' } } } }]);
    assert.ok(rig.idl.conditionSeqno >= early, 'a condition that went into the monitor request counts as acked');

    const s1 = rig.idl.setCondition('Sw', [['name', '==', 'b']]);
    const change1 = server.next('monitor_cond_change');
    assert.deepEqual(change1.params, [['monid', 'Net'], ['monid', 'Net'], { Sw: [{ where: [['name', '==', 'b']] }] }]);
    const s2 = rig.idl.setCondition('Sw', [['name', '==', 'c']]);
    assert.equal(s2, s1 + 1);
    server.pump();
    assert.equal(server.requests.length, 0, 'the second change waits for the first ack');
    server.notify('update3', [['monid', 'Net'], u(2), { Sw: { [u(1)]: { delete: null }, [u(2)]: { insert: { name: 'b' } } } }]);
    assert.ok(rig.idl.conditionSeqno < s1);
    server.reply(change1, {});
    assert.equal(rig.idl.conditionSeqno, s1);
    const change2 = server.next('monitor_cond_change');
    assert.deepEqual(change2.params[2], { Sw: [{ where: [['name', '==', 'c']] }] });
    // Setting the same condition again changes nothing and promises the same seqno.
    assert.equal(rig.idl.setCondition('Sw', [['name', '==', 'c']]), s2);

    // Connection lost with change2 in flight: the resumed monitor uses the acked condition (b), then re-sends c.
    server.kill();
    rig.clock.advance(1000);
    const again = rig.accept();
    const mon2 = again.handshake();
    assert.deepEqual((mon2.params[2] as Record<string, JsonValue[]>)['Sw']![0], { columns: ['name', 'ports', 'cfg', 'n'], where: [['name', '==', 'b']] });
    assert.equal(mon2.params[3], u(2));
    again.reply(mon2, [true, u(3), {}]);
    const resent = again.next('monitor_cond_change');
    assert.deepEqual(resent.params[2], { Sw: [{ where: [['name', '==', 'c']] }] });
    again.reply(resent, {});
    assert.ok(rig.idl.conditionSeqno >= s2);
    assert.throws(() => rig.idl.setCondition('Sw', [['nope', '==', 1]]), /No column nope/);
  });

  it('calls updated() only when rows change; a malformed update forces a full resync', function () {
    let updates = 0;
    const rig = makeRig({}, { updated: () => updates++ });
    const server = synced(rig, { Sw: { [u(1)]: { initial: { name: 'a' } } } });
    assert.equal(updates, 1);
    server.notify('update3', [['monid', 'Net'], u(101), { Sw: { [u(1)]: { modify: { name: 'a' } } } }]);
    assert.equal(updates, 1, 'a modify to the same value changes nothing');
    server.notify('update3', [['monid', 'Net'], u(102), { Sw: { [u(1)]: { modify: { name: 'b' } } } }]);
    assert.equal(updates, 2);
    server.notify('update3', [['monid', 'Other'], u(103), { Sw: { [u(1)]: { delete: null } } }]);
    assert.deepEqual(names(rig), ['b'], 'an update for another monitor id is not ours');
    server.notify('update3', [['monid', 'Net'], u(104), { Sw: { 'bogus': { delete: null } } }]);
    assert.ok(rig.events.some((e) => e.includes('bad monitor_cond_since update') && e.includes('bad UUID "bogus"')), rig.events.join('\n'));
    rig.clock.advance(1000);
    const again = rig.accept();
    assert.equal(again.handshake().params[3], '00000000-0000-0000-0000-000000000000', 'the replica may have missed a change: resync from scratch');
  });

  it('starts over on the same connection when the server cancels a monitor', function () {
    const rig = makeRig();
    const server = synced(rig, { Sw: { [u(1)]: { initial: { name: 'a' } } } });
    server.notify('monitor_canceled', [['monid', 'Net']]);
    assert.deepEqual(server.next('monitor_cancel').params, [['monid', '_Server']]);
    const mon = server.handshake();
    assert.equal(mon.params[3], u(100), 'resumes from the last txn id');
    server.reply(mon, [true, u(101), { Sw: { [u(2)]: { insert: { name: 'b' } } } }]);
    assert.deepEqual(names(rig), ['a', 'b']);
    assert.equal(rig.transport.attempts.length, 1, 'no reconnection');
  });

  it('reconnects when the inactivity probe gets no answer', function () {
    const rig = makeRig({ probeIntervalMs: 5000 });
    const server = synced(rig);
    server.client.peer.setHandler({ data: () => undefined, closed: () => undefined }); // the server goes silent
    rig.clock.advance(5000);
    server.pump();
    rig.clock.advance(5000);
    server.pump();
    assert.ok(rig.events.some((e) => e.includes('no response to inactivity probe')), rig.events.join('\n'));
    assert.equal(rig.idl.state, 'backoff');
  });

  it('gives up a connection attempt that hangs, then tries again after the back-off', function () {
    const rig = makeRig();
    rig.clock.advance(0);
    assert.equal(rig.transport.attempts.length, 1);
    rig.clock.advance(1000);
    assert.ok(rig.transport.attempts[0]!.cancelled);
    assert.ok(rig.events.some((e) => e.includes('timed out')));
    rig.clock.advance(999);
    assert.equal(rig.transport.attempts.length, 1);
    rig.clock.advance(1);
    assert.equal(rig.transport.attempts.length, 2);
    rig.transport.pending().callbacks.failed(new Error('refused'));
    rig.clock.advance(1999);
    assert.equal(rig.transport.attempts.length, 2, 'back-off doubled to 2 s');
    rig.clock.advance(1);
    assert.equal(rig.transport.attempts.length, 3);
  });
});

describe('IDL transactions (scripted server)', function () {
  function commit(rig: Rig, build: (t: ReturnType<Rig['idl']['transaction']>) => void): { result: () => TxnResult | null } {
    let result: TxnResult | null = null;
    const txn = rig.idl.transaction();
    build(txn);
    txn.commit((r) => (result = r));
    return { result: () => result };
  }

  it('sends verify waits, named-uuids, a comment and the lock assertion; success waits for the echo barrier', function () {
    const rig = makeRig();
    const server = synced(rig, { Sw: { [u(1)]: { initial: { name: 'a', cfg: ['map', [['k', 'v']]] } } } });
    rig.idl.lock.setLock('owner');
    server.reply(server.next('lock'), { locked: true });
    assert.ok(rig.idl.lock.hasLock);
    let port = '';
    const pending = commit(rig, (t) => {
      const cfg = t.read('Sw', u(1), 'cfg');
      port = t.insert('Port', { name: datumFromJson('p1', nameType, null) });
      t.set('Sw', u(1), 'ports', datumFromJson(['uuid', port], portsType, null));
      t.set('Sw', u(1), 'cfg', { keys: cfg.keys, values: ['v2'] });
      t.comment('hello');
    });
    const req = server.next('transact');
    const name = `row${port.replace(/-/g, '_')}`;
    assert.deepEqual(req.params, [
      'Net',
      { op: 'wait', table: 'Sw', timeout: 0, where: [['_uuid', '==', ['uuid', u(1)]]], until: '==', columns: ['cfg'], rows: [{ cfg: ['map', [['k', 'v']]] }] },
      { op: 'insert', table: 'Port', 'uuid-name': name, row: { name: 'p1' } },
      { op: 'update', table: 'Sw', where: [['_uuid', '==', ['uuid', u(1)]]], row: { ports: ['named-uuid', name], cfg: ['map', [['k', 'v2']]] } },
      { op: 'comment', comment: 'hello' },
      { op: 'assert', lock: 'owner' },
    ]);
    server.session.reply(req.id, [{}, { uuid: ['uuid', u(50)] }, { count: 1 }, {}, {}]);
    server.client.peer.flush(); // the reply reaches the client; its barrier echo is not answered yet
    assert.equal(pending.result(), null, 'no success before the barrier reply');
    assert.match(new TextDecoder().decode(server.client.outbox[server.client.outbox.length - 1]), /"method":"echo"/);
    server.pump(); // the server's session answers the echo (it would have flushed our update first)
    const result = pending.result()!;
    assert.equal(result.status, 'success');
    assert.equal(result.insertedUuids.get(port), u(50));
  });

  it('maps error results to statuses like upstream', function () {
    const rig = makeRig();
    const server = synced(rig, { Sw: { [u(1)]: { initial: { name: 'a' } } } });
    const cases: [JsonValue, string][] = [
      [[{ error: 'timed out', details: 'wait' }], 'try-again'],
      [[{ count: 1 }, { error: 'not owner' }], 'not-locked'],
      [[{ error: 'constraint violation', details: 'x' }], 'error'],
      [[{ count: 1 }, { error: 'referential integrity violation', details: 'y' }], 'error'],
    ];
    for (const [reply, status] of cases) {
      const p = commit(rig, (t) => t.set('Sw', u(1), 'name', datumFromJson('n', nameType, null)));
      const req = server.next('transact');
      server.reply(req, reply);
      assert.equal(p.result()?.status, status, JSON.stringify(reply));
    }
    const e = commit(rig, (t) => t.set('Sw', u(1), 'name', datumFromJson('n', nameType, null)));
    server.error(server.next('transact'), 'unknown database');
    assert.equal(e.result()?.status, 'error');
    // Writing the value already there changes nothing: 'unchanged', nothing sent.
    const same = commit(rig, (t) => t.set('Sw', u(1), 'name', datumFromJson('a', nameType, null)));
    rig.clock.advance(0);
    assert.equal(same.result()?.status, 'unchanged');
    server.pump();
    assert.equal(server.requests.length, 0);
  });

  it('a lost reply is try-again, never resent; the retry after resync sees the committed row and does nothing', function () {
    const rig = makeRig();
    const server = synced(rig);
    // The caller's idempotent logic: create switch "x" unless it exists.
    const ensureX = (): { result: () => TxnResult | null } =>
      commit(rig, (t) => {
        if (names(rig).includes('x')) return;
        t.requireAbsent('Sw', [['name', '==', 'x']]);
        t.insert('Sw', { name: datumFromJson('x', nameType, null) });
      });
    const first = ensureX();
    const req = server.next('transact');
    assert.deepEqual((req.params as JsonValue[])[1], { op: 'wait', table: 'Sw', timeout: 0, where: [['name', '==', 'x']], columns: ['_uuid'], until: '==', rows: [] });
    server.kill(); // the server committed, but the reply is lost
    assert.equal(first.result()?.status, 'try-again');
    // Retrying before the replica resynced is refused (try-again), so stale reads are never acted on.
    const tooEarly = ensureX();
    rig.clock.advance(0);
    assert.equal(tooEarly.result()?.status, 'try-again');
    rig.clock.advance(1000);
    const again = rig.accept();
    again.reply(again.handshake(), [true, u(101), { Sw: { [u(7)]: { insert: { name: 'x' } } } }]);
    const retry = ensureX();
    rig.clock.advance(0);
    assert.equal(retry.result()?.status, 'unchanged');
    again.pump();
    assert.equal(again.requests.length, 0, 'the transaction was never sent a second time');
  });

  it('a success whose barrier is cut off is reported once the replica has resynced', function () {
    const rig = makeRig();
    const server = synced(rig);
    const p = commit(rig, (t) => void t.insert('Sw', { name: datumFromJson('y', nameType, null) }));
    const req = server.next('transact');
    server.session.reply(req.id, [{ uuid: ['uuid', u(8)] }]);
    server.client.peer.flush(); // deliver the reply only; the barrier echo never reaches the server
    server.kill();
    assert.equal(p.result(), null);
    rig.clock.advance(1000);
    const again = rig.accept();
    again.reply(again.handshake(), [true, u(102), { Sw: { [u(8)]: { insert: { name: 'y' } } } }]);
    assert.equal(p.result()?.status, 'success');
    assert.ok(rig.idl.replica!.row('Sw', u(8)));
  });

  it('locks: contention, locked and stolen notifications, re-requested after a reconnect', function () {
    const seen: string[] = [];
    const rig = makeRig({}, { locked: (_i, n) => seen.push(`locked ${n}`), lockStolen: (_i, n) => seen.push(`stolen ${n}`) });
    const server = synced(rig);
    rig.idl.lock.setLock('L');
    server.reply(server.next('lock'), { locked: false });
    assert.ok(rig.idl.lock.isContended && !rig.idl.lock.hasLock);
    server.notify('locked', ['L']);
    assert.ok(rig.idl.lock.hasLock);
    server.notify('stolen', ['L']);
    assert.ok(!rig.idl.lock.hasLock);
    rig.idl.lock.steal();
    server.next('unlock');
    server.reply(server.next('steal'), { locked: true });
    assert.deepEqual(seen, ['locked L', 'stolen L', 'locked L']);
    server.kill();
    assert.ok(!rig.idl.lock.hasLock);
    rig.clock.advance(1000);
    const again = rig.accept();
    again.next('get_schema');
    assert.deepEqual(again.next('lock').params, ['L']);
    assert.throws(() => rig.idl.lock.setLock('bad-name'), /not an <id>/);
  });
});
