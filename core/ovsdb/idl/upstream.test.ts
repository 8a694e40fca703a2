// The IDL against the real upstream ovsdb-server with the OVN_Northbound schema, changed by ovn-nbctl.
import { strict as assert } from 'node:assert';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { datumFromJson } from '../data/datum';
import type { TxnResult } from './txn';
import { GatedTransport, dumpReplica, dumpServer, makeIdl, nbSchema, nbctl, startNb, waitFor, type NbServer, type TestIdl } from './upstream-harness.test';

function commit(txn: { commit(done: (r: TxnResult) => void): void }): Promise<TxnResult> {
  return new Promise((resolve) => txn.commit(resolve));
}

function lsUuid(t: TestIdl, name: string): string {
  for (const [uuid, row] of t.idl.replica!.rows('Logical_Switch')) {
    if (row.values[nbSchema().tables.get('Logical_Switch')!.columnsByName.get('name')!.index]!.keys[0] === name) return uuid;
  }
  throw new Error(`no switch ${name} in the replica`);
}

function has(t: TestIdl, name: string): boolean {
  try {
    lsUuid(t, name);
    return true;
  } catch {
    return false;
  }
}

function canonical(dump: Map<string, Map<string, Record<string, string>>>): string {
  return JSON.stringify([...dump].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort(([a], [b]) => (a < b ? -1 : 1)).map(([u, r]) => [u, Object.entries(r).sort()])]));
}

function sameAsServer(nb: NbServer, t: TestIdl): boolean {
  return canonical(dumpServer(nb, nbSchema())) === canonical(dumpReplica(t.idl.replica!));
}

describe('IDL against upstream ovsdb-server (OVN_Northbound)', function () {
  this.timeout(30000);
  let nb: NbServer;
  const idls: TestIdl[] = [];
  const idl = (seed: string, extra: Parameters<typeof makeIdl>[2] = {}): TestIdl => {
    const t = makeIdl(nb, seed, extra);
    idls.push(t);
    return t;
  };

  before(async function () {
    upstreamOrSkip(this, 'ovsdb-server', 'ovsdb-tool', 'ovsdb-client', 'ovn-nbctl');
    nb = await startNb('idl', true);
  });

  afterEach(function () {
    for (const t of idls.splice(0)) t.idl.stop();
  });

  after(async function () {
    if (nb) await nb.stop();
  });

  it('replica equals ovsdb-client dump after a series of ovn-nbctl transactions', async function () {
    const t = idl('dump');
    await waitFor('first sync', () => t.idl.isSynced);
    assert.equal(t.idl.monitorMethod, 'monitor_cond_since');
    nbctl(nb, 'ls-add', 'sw0', '--', 'lsp-add', 'sw0', 'p1', '--', 'lsp-set-addresses', 'p1', '00:00:00:00:00:01 10.0.0.1');
    nbctl(nb, 'lsp-add', 'sw0', 'p2', '--', 'lsp-set-port-security', 'p2', '00:00:00:00:00:02');
    nbctl(nb, 'lr-add', 'lr0', '--', 'lrp-add', 'lr0', 'lrp0', '00:00:00:00:ff:01', '10.0.0.254/24');
    nbctl(nb, 'acl-add', 'sw0', 'to-lport', '1000', 'ip4 && tcp.dst == 22', 'drop');
    nbctl(nb, 'set', 'Logical_Switch', 'sw0', 'other_config:subnet=10.0.0.0/24', 'external_ids:owner=test');
    nbctl(nb, 'set', 'Logical_Switch_Port', 'p1', 'enabled=false', 'tag_request=7');
    nbctl(nb, 'set', 'Logical_Switch_Port', 'p1', 'enabled=true', 'tag_request=8');
    nbctl(nb, 'remove', 'Logical_Switch', 'sw0', 'external_ids', 'owner', '--', 'set', 'Logical_Switch', 'sw0', 'other_config:subnet=10.1.0.0/16');
    nbctl(nb, 'lsp-del', 'p2');
    await waitFor('replica equal to the dump', () => sameAsServer(nb, t), 5000);
    assert.equal(t.problems.length, 0, t.problems.join('\n'));
    assert.ok(t.idl.replica!.changes('Logical_Switch_Port').length > 0);
  });

  it('a transaction inserts rows with named-uuid references and reports success once its update is in the replica', async function () {
    const t = idl('txn');
    await waitFor('sync', () => t.idl.isSynced);
    const txn = t.idl.transaction();
    const schema = nbSchema();
    const lsType = schema.tables.get('Logical_Switch')!.columnsByName.get('ports')!.type;
    const port = txn.insert('Logical_Switch_Port', { name: datumFromJson('txn-port', schema.tables.get('Logical_Switch_Port')!.columnsByName.get('name')!.type, null) });
    const sw = txn.insert('Logical_Switch', { name: datumFromJson('txn-sw', schema.tables.get('Logical_Switch')!.columnsByName.get('name')!.type, null), ports: datumFromJson(['uuid', port], lsType, null) });
    txn.comment('idl test');
    const result = await commit(txn);
    assert.equal(result.status, 'success', result.error);
    const realSw = result.insertedUuids.get(sw)!;
    const realPort = result.insertedUuids.get(port)!;
    assert.ok(realSw && realPort && realSw !== sw);
    // Already there when success is reported: the IDL waited for its own update.
    const row = t.idl.replica!.row('Logical_Switch', realSw);
    assert.ok(row, 'inserted switch is in the replica at success');
    assert.deepEqual(t.idl.replica!.get('Logical_Switch', realSw, 'ports')!.keys, [realPort]);
    assert.match(nbctl(nb, 'lsp-list', 'txn-sw'), /txn-port/);
  });

  it('a conflicting change by another client makes the transaction try again; the retry succeeds', async function () {
    const t = idl('conflict');
    nbctl(nb, '--may-exist', 'ls-add', 'conflict-sw');
    await waitFor('row in replica', () => t.idl.isSynced && has(t, 'conflict-sw'));
    const uuid = lsUuid(t, 'conflict-sw');
    const cfgType = nbSchema().tables.get('Logical_Switch')!.columnsByName.get('other_config')!.type;
    const txn = t.idl.transaction();
    const old = txn.read('Logical_Switch', uuid, 'other_config');
    txn.set('Logical_Switch', uuid, 'other_config', datumFromJson(['map', [['n', String(old.keys.length)]]], cfgType, null));
    nbctl(nb, 'set', 'Logical_Switch', 'conflict-sw', 'other_config:x=1');
    const first = await commit(txn);
    assert.equal(first.status, 'try-again', first.error);
    assert.match(first.error ?? '', /timed out/);
    await waitFor('replica catches up', () => t.idl.replica!.get('Logical_Switch', uuid, 'other_config')!.keys.length === 1);
    const retry = t.idl.transaction();
    const now = retry.read('Logical_Switch', uuid, 'other_config');
    retry.set('Logical_Switch', uuid, 'other_config', datumFromJson(['map', [['n', String(now.keys.length)]]], cfgType, null));
    const second = await commit(retry);
    assert.equal(second.status, 'success', second.error);
    assert.equal(nbctl(nb, 'get', 'Logical_Switch', 'conflict-sw', 'other_config:n').trim(), '"1"');
  });

  it('conditional monitoring only replicates matching rows, and a changed condition is acked before relied on', async function () {
    nbctl(nb, '--may-exist', 'ls-add', 'cond-a', '--', '--may-exist', 'ls-add', 'cond-b', '--', '--may-exist', 'ls-add', 'cond-c');
    const t = idl('cond', { monitor: { Logical_Switch: ['name', 'other_config'] } });
    const first = t.idl.setCondition('Logical_Switch', [['name', '==', 'cond-a']]);
    await waitFor('sync', () => t.idl.isSynced && t.idl.conditionSeqno >= first);
    const names = (): string[] => [...t.idl.replica!.rows('Logical_Switch').values()].map((r) => r.values[nbSchema().tables.get('Logical_Switch')!.columnsByName.get('name')!.index]!.keys[0] as string).sort();
    assert.deepEqual(names(), ['cond-a']);
    const second = t.idl.setCondition('Logical_Switch', [['name', '==', 'cond-b'], ['name', '==', 'cond-c']]);
    assert.ok(second > t.idl.conditionSeqno);
    await waitFor('condition acked', () => t.idl.conditionSeqno >= second);
    assert.deepEqual(names(), ['cond-b', 'cond-c']);
    nbctl(nb, 'ls-add', 'cond-d', '--', 'set', 'Logical_Switch', 'cond-c', 'other_config:k=v');
    await waitFor('modify of a matching row', () => t.idl.replica!.get('Logical_Switch', lsUuid(t, 'cond-c'), 'other_config')!.keys.length === 1);
    assert.deepEqual(names(), ['cond-b', 'cond-c']);
    assert.equal(t.idl.replica!.rows('Logical_Switch_Port').size, 0, 'unmonitored table stays empty');
  });

  it('resyncs via monitor_cond_since after the server is killed and restarted', async function () {
    // The gate keeps this IDL away until the database has changed, however slow the machine.
    const gate = new GatedTransport();
    const t = idl('restart', { transport: gate, backoff: { minMs: 100, maxMs: 400 } });
    await waitFor('sync', () => t.idl.isSynced);
    nbctl(nb, '--may-exist', 'ls-add', 'before-restart', '--', 'set', 'Logical_Switch', 'before-restart', 'other_config:a=1');
    await waitFor('replica equal', () => sameAsServer(nb, t));
    const idBefore = t.idl.lastTransactionId;
    assert.ok(idBefore);
    t.idl.replica!.clearChanges();
    gate.open = false;
    await nb.restart();
    nbctl(nb, 'ls-add', 'while-away', '--', 'lsp-add', 'while-away', 'p-away');
    assert.equal(t.syncs.length, 1, 'not yet reconnected');
    gate.open = true;
    await waitFor('resync after restart', () => t.idl.isSynced && t.syncs.length === 2, 15000);
    assert.equal(t.syncs[1], 'incremental', `syncs: ${t.syncs.join(',')}`);
    assert.ok(sameAsServer(nb, t), 'replica equals the dump right after the incremental resync');
    // Only what changed while away: the two inserted rows.
    assert.deepEqual(t.idl.replica!.changes().map((c) => `${c.kind} ${c.table}`).sort(), ['insert Logical_Switch', 'insert Logical_Switch_Port']);

    // ovsdb-server trims its transaction history once it holds more atoms than the database itself
    // (ovsdb/transaction.c), so on a small database an old txn id is soon forgotten and it answers
    // found=false: the replica is then replaced, and the diff against the old contents must report just
    // the real change. Either way the tracked changes are the same.
    t.idl.replica!.clearChanges();
    gate.open = false;
    await nb.restart();
    nbctl(nb, 'set', 'Logical_Switch', 'before-restart', 'other_config:a=2');
    gate.open = true;
    await waitFor('second resync', () => t.idl.isSynced && t.syncs.length === 3, 15000);
    assert.ok(sameAsServer(nb, t), `replica equals the dump after a ${t.syncs[2]} resync`);
    const changes = t.idl.replica!.changes();
    assert.deepEqual(changes.map((c) => c.kind), ['modify']);
    const cfg = nbSchema().tables.get('Logical_Switch')!.columnsByName.get('other_config')!.index;
    assert.deepEqual([changes[0]!.old!.values[cfg]!.values, changes[0]!.new!.values[cfg]!.values], [['1'], ['2']]);
    nbctl(nb, 'ls-add', 'after-restart');
    await waitFor('replica equal after restart', () => sameAsServer(nb, t));
  });

  it('update without reads, mutate with a named-uuid, delete and requireAbsent guards work on ovsdb-server', async function () {
    const t = idl('ops');
    nbctl(nb, '--may-exist', 'ls-add', 'ops-sw', '--', '--may-exist', 'ls-add', 'ops-gone');
    await waitFor('rows', () => t.idl.isSynced && has(t, 'ops-sw') && has(t, 'ops-gone'));
    const sw = lsUuid(t, 'ops-sw');
    const lspName = nbSchema().tables.get('Logical_Switch_Port')!.columnsByName.get('name')!.type;
    const txn = t.idl.transaction();
    txn.set('Logical_Switch', sw, 'other_config', datumFromJson(['map', [['blind', 'write']]], nbSchema().tables.get('Logical_Switch')!.columnsByName.get('other_config')!.type, null));
    const port = txn.insert('Logical_Switch_Port', { name: datumFromJson('ops-port', lspName, null) });
    txn.mutate('Logical_Switch', sw, 'ports', 'insert', ['set', [['uuid', port]]]);
    txn.delete('Logical_Switch', lsUuid(t, 'ops-gone'));
    txn.requireAbsent('Logical_Switch', [['name', '==', 'ops-new']]);
    const result = await commit(txn);
    assert.equal(result.status, 'success', result.error);
    assert.equal(nbctl(nb, 'get', 'Logical_Switch', 'ops-sw', 'other_config:blind').trim(), 'write');
    assert.match(nbctl(nb, 'lsp-list', 'ops-sw'), /ops-port/);
    assert.ok(!has(t, 'ops-gone'), 'the replica has the delete at success');
    // A guard that fails: the row it requires absent exists.
    nbctl(nb, 'ls-add', 'ops-new');
    const guarded = t.idl.transaction();
    guarded.requireAbsent('Logical_Switch', [['name', '==', 'ops-new']]);
    guarded.insert('Logical_Switch', { name: datumFromJson('ops-new', nbSchema().tables.get('Logical_Switch')!.columnsByName.get('name')!.type, null) });
    const refused = await commit(guarded);
    assert.equal(refused.status, 'try-again', refused.error);
    // Updating a row another client deleted meanwhile: the implicit existence wait fails, not a silent no-op.
    await waitFor('ops-new replicated', () => has(t, 'ops-new'));
    const stale = t.idl.transaction();
    stale.set('Logical_Switch', lsUuid(t, 'ops-new'), 'external_ids', datumFromJson(['map', [['a', 'b']]], nbSchema().tables.get('Logical_Switch')!.columnsByName.get('external_ids')!.type, null));
    nbctl(nb, 'ls-del', 'ops-new');
    assert.equal((await commit(stale)).status, 'try-again');
  });

  it('locks: lock, contention, steal with locked/stolen notifications, and not-locked transactions', async function () {
    const events: string[] = [];
    const a = idl('lock-a', { callbacks: { locked: () => events.push('a locked'), lockStolen: () => events.push('a stolen') } });
    const b = idl('lock-b', { callbacks: { locked: () => events.push('b locked') } });
    await waitFor('sync', () => a.idl.isSynced && b.idl.isSynced);
    a.idl.lock.setLock('idl_test_lock');
    await waitFor('a has the lock', () => a.idl.lock.hasLock);
    b.idl.lock.setLock('idl_test_lock');
    await waitFor('b contended', () => b.idl.lock.isContended);
    const blocked = b.idl.transaction();
    blocked.insert('Logical_Switch', {});
    assert.equal((await commit(blocked)).status, 'not-locked');
    b.idl.lock.steal();
    await waitFor('b stole it', () => b.idl.lock.hasLock && !a.idl.lock.hasLock);
    // Two sockets: the order in which a hears "stolen" and b its reply is not defined.
    assert.deepEqual(events.slice().sort(), ['a locked', 'a stolen', 'b locked']);
    assert.equal(events[0], 'a locked');
    const txn = b.idl.transaction();
    txn.insert('Logical_Switch', {});
    assert.equal((await commit(txn)).status, 'success');
    a.idl.lock.setLock(null);
    b.idl.lock.setLock(null);
  });
});
