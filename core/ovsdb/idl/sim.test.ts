// The IDL in the simulator: three fake cluster members behind the faulty stream network, a leader-only
// client, a partition that cuts the client off its leader while leadership moves. Checks that the client
// notices through the inactivity probe, skips followers, resumes on the new leader with monitor_cond_since
// (only the missed changes) and that the same seed replays the same trace.
import { strict as assert } from 'node:assert';
import { SimWorld } from '../../../sim/world';
import type { Runtime } from '../../runtime';
import { serverSchemaJson } from '../schema/server-schema';
import type { JsonValue } from '../../json/value';
import { JsonRpcSession } from '../jsonrpc/session';
import { IdlClient } from './client';
import { testSchema, testSchemaText, u } from './fake-server.test';

/** The replicated state every member serves: rows of table Sw (uuid -> name) and the txn log. */
class FakeCluster {
  readonly rows = new Map<string, string>();
  readonly log: { id: string; uuid: string; name: string }[] = [];
  leader = 's1';
  index = 1;
  private readonly dataSessions = new Set<JsonRpcSession>();
  private readonly serverSessions = new Map<JsonRpcSession, string>();

  get lastId(): string {
    return this.log.length ? this.log[this.log.length - 1]!.id : u(0);
  }

  insert(name: string): void {
    const uuid = u(1000 + this.log.length);
    const id = u(5000 + this.log.length);
    this.rows.set(uuid, name);
    this.log.push({ id, uuid, name });
    this.index++;
    for (const s of this.dataSessions) s.notify('update3', [['monid', 'Net'], id, { Sw: { [uuid]: { insert: { name } } } }]);
    for (const [s, host] of this.serverSessions) s.notify('update2', [['monid', '_Server'], { Database: { [u(900)]: { modify: { index: this.index, leader: this.leader === host } } } }]);
  }

  elect(host: string): void {
    this.leader = host;
    for (const [s, member] of this.serverSessions) s.notify('update2', [['monid', '_Server'], { Database: { [u(900)]: { modify: { leader: member === host } } } }]);
  }

  serve(rt: Runtime, host: string): void {
    rt.transport.listen('ptcp:6641', {
      accepted: (conn) => {
        const session: JsonRpcSession = new JsonRpcSession(
          conn,
          {
            request: (s, r) => {
              switch (r.method) {
                case 'get_schema':
                  return s.reply(r.id, serverSchemaJson as JsonValue);
                case 'monitor_cond':
                  this.serverSessions.set(s, host);
                  return s.reply(r.id, { Database: { [u(900)]: { initial: { name: 'Net', model: 'clustered', connected: true, leader: this.leader === host, schema: testSchemaText, index: this.index } } } });
                case 'set_db_change_aware':
                  return s.reply(r.id, {});
                case 'monitor_cond_since': {
                  this.dataSessions.add(s);
                  const at = this.log.findIndex((t) => t.id === r.params[3]);
                  const since = at >= 0 ? this.log.slice(at + 1) : null;
                  const rows: Record<string, JsonValue> = {};
                  if (since) for (const t of since) rows[t.uuid] = { insert: { name: t.name } };
                  else for (const [uuid, name] of this.rows) rows[uuid] = { initial: { name } };
                  return s.reply(r.id, [since !== null, this.lastId, { Sw: rows }]);
                }
                default:
                  return s.replyError(r.id, 'unknown method');
              }
            },
            closed: (s) => {
              this.dataSessions.delete(s);
              this.serverSessions.delete(s);
            },
          },
          { clock: rt.clock },
        );
        void session;
      },
    });
  }
}

function scenario(seed: string): { trace: string[]; names: string[]; expected: string[] } {
  const world = new SimWorld({ seed, network: { partitionResetMs: 60_000, connectTimeoutMs: 2000, latency: { baseMs: 1, jitterMs: 3 } } });
  const cluster = new FakeCluster();
  const trace: string[] = [];
  ['s1', 's2', 's3'].forEach((h, i) => world.spawn(h, (rt) => cluster.serve(rt, h), { ips: [`10.0.0.${i + 1}`] }));
  let idl: IdlClient | null = null;
  world.spawn('client', (rt) => {
    const log = (what: string): void => void trace.push(`${rt.clock.nowMs().toFixed(0)} ${what}`);
    idl = new IdlClient({
      database: 'Net',
      remotes: ['tcp:10.0.0.1:6641', 'tcp:10.0.0.2:6641', 'tcp:10.0.0.3:6641'],
      transport: rt.transport,
      clock: rt.clock,
      random: rt.random.fork('idl'),
      schema: testSchema,
      callbacks: {
        synced: (i) => log(`synced ${i.lastSyncKind} via ${i.remote}`),
        disconnected: (_i, r) => log(`disconnected: ${r}`),
        problem: (_i, m) => log(`problem: ${m}`),
      },
    });
  }, { ips: ['10.0.0.10'] });
  cluster.insert('a');
  world.sim.runFor(5_000);
  const client = idl as IdlClient | null;
  assert.ok(client?.isSynced, trace.join('\n'));
  assert.equal(client.remote, 'tcp:10.0.0.1:6641', 'only the leader is accepted');
  cluster.insert('b');
  world.sim.runFor(100);
  // Cut the client off its leader; the cluster elects s2 and keeps committing.
  world.partitions.partition([['client', 's2', 's3'], ['s1']]);
  cluster.elect('s2');
  cluster.insert('c');
  cluster.insert('d');
  world.sim.runFor(30_000);
  assert.ok(client.isSynced, trace.join('\n'));
  assert.equal(client.remote, 'tcp:10.0.0.2:6641');
  const names = [...client.replica!.rows('Sw').values()].map((r) => r.values[0]!.keys[0] as string).sort();
  return { trace, names, expected: [...cluster.rows.values()].sort() };
}

describe('IDL in the simulator (fake cluster, partitions)', function () {
  it('follows the leader through a partition, resyncs incrementally, and replays identically from its seed', function () {
    const first = scenario('idl-sim-1');
    if (process.env.IDL_SIM_TRACE) console.log(first.trace.join("\n"));
    assert.deepEqual(first.names, first.expected);
    assert.deepEqual(first.names, ['a', 'b', 'c', 'd']);
    const text = first.trace.join('\n');
    assert.match(text, /no response to inactivity probe/);
    assert.match(text, /synced incremental via tcp:10\.0\.0\.2:6641/);
    assert.ok(!/synced \w+ via tcp:10\.0\.0\.3/.test(text), 'never synced from a follower');
    const again = scenario('idl-sim-1');
    assert.deepEqual(again.trace, first.trace, 'same seed, same trace');
  });
});
