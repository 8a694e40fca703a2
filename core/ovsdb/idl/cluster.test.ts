// The IDL against a real three-member upstream Raft cluster (OVN_Northbound): with leaderOnly it syncs only
// from the leader, and when the leader is killed it follows the newly elected one and stays in sync.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { makeTempDir, run, startUpstreamServer, type UpstreamServer } from '../jsonrpc/upstream-server.test';
import { dumpReplica, dumpServer, makeIdl, nbSchema, nbSchemaPath, waitFor, type NbServer, type TestIdl } from './upstream-harness.test';
import { execFileSync } from 'node:child_process';

function canonical(dump: Map<string, Map<string, Record<string, string>>>): string {
  return JSON.stringify([...dump].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort(([a], [b]) => (a < b ? -1 : 1)).map(([u, r]) => [u, Object.entries(r).sort()])]));
}

function isLeader(member: string): boolean {
  const out = execFileSync('ovsdb-client', ['query', member, '["_Server",{"op":"select","table":"Database","where":[["name","==","OVN_Northbound"]],"columns":["leader"]}]'], { encoding: 'utf8' });
  return (JSON.parse(out) as [{ rows: [{ leader: boolean }] }])[0].rows[0]?.leader === true;
}

describe('IDL against an upstream 3-member Raft cluster', function () {
  this.timeout(60000);
  let dir: string;
  const servers: UpstreamServer[] = [];
  const remotes: string[] = [];
  let t: TestIdl | null = null;

  before(async function () {
    upstreamOrSkip(this, 'ovsdb-server', 'ovsdb-tool', 'ovsdb-client', 'ovn-nbctl');
    dir = makeTempDir('idl-cluster');
    for (let i = 1; i <= 3; i++) {
      const d = path.join(dir, `s${i}`);
      fs.mkdirSync(d);
      const db = path.join(d, 'nb.db');
      const raft = `unix:${path.join(d, 'raft.sock')}`;
      if (i === 1) run('ovsdb-tool', ['create-cluster', db, nbSchemaPath, raft]);
      else run('ovsdb-tool', ['join-cluster', db, 'OVN_Northbound', raft, `unix:${path.join(dir, 's1', 'raft.sock')}`]);
      servers.push(await startUpstreamServer(d, db));
      remotes.push(`unix:${path.join(d, 'db.sock')}`);
    }
    await waitFor('one leader among three', () => remotes.filter(isLeader).length === 1, 30000);
  });

  after(async function () {
    t?.idl.stop();
    for (const s of servers) await s.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('syncs only from the leader and follows a new leader after the old one is killed', async function () {
    const leaderBefore = remotes.find(isLeader)!;
    const nbAll: NbServer = { dir, remote: remotes.join(','), server: servers[0]!, restart: async () => undefined, stop: async () => undefined };
    const syncedFrom: string[] = [];
    t = makeIdl(nbAll, 'cluster', { remotes, callbacks: { synced: (i) => syncedFrom.push(`${i.remote} ${i.lastSyncKind}`) } });
    await waitFor('sync', () => t!.idl.isSynced);
    assert.equal(t.idl.remote, leaderBefore, 'leader-only: synced from the leader');
    execFileSync('ovn-nbctl', [`--db=${remotes.join(',')}`, 'ls-add', 'c1']);
    await waitFor('c1 replicated', () => canonical(dumpReplica(t!.idl.replica!)) === canonical(dumpServer({ ...nbAll, remote: leaderBefore }, nbSchema())));

    const killed = remotes.indexOf(leaderBefore);
    await servers[killed]!.stop();
    const alive = remotes.filter((_, i) => i !== killed);
    await waitFor('a new leader', () => alive.filter((r) => { try { return isLeader(r); } catch { return false; } }).length === 1, 30000);
    const leaderAfter = alive.find(isLeader)!;
    execFileSync('ovn-nbctl', [`--db=${alive.join(',')}`, 'ls-add', 'c2']);
    await waitFor('resynced on the new leader', () => t!.idl.isSynced && t!.idl.remote === leaderAfter, 30000);
    await waitFor('c2 replicated', () => canonical(dumpReplica(t!.idl.replica!)) === canonical(dumpServer({ ...nbAll, remote: leaderAfter }, nbSchema())));
    // Synced only from leaders: first the old one, then (once or more) the new one; followers were refused.
    assert.equal(syncedFrom[0], `${leaderBefore} full`);
    assert.ok(syncedFrom.slice(1).length >= 1 && syncedFrom.slice(1).every((s) => s.startsWith(`${leaderAfter} `)), syncedFrom.join('\n'));
  });
});
