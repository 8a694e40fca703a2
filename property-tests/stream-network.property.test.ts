// Property: whatever the seeded fault schedule (partitions, one-way blocks, pauses, clock changes, crashes
// of bystanders), every connection between two hosts that never crash delivers a prefix of what was sent,
// in order, and reports `closed` at most once per side; after the faults heal, connections that survived
// deliver everything.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { SimWorld } from '../sim/world';
import { drawFaultSchedule } from '../sim/faults/draw-faults';
import { applyFaultSchedule } from '../sim/faults/fault-schedule';
import { SeededRandom } from '../core/runtime/seeded-random';
import type { Connection } from '../core/runtime/transport';

interface Side { received: string; closes: number; conn?: Connection }

function runOnce(seed: number, episodes: number): void {
  const world = new SimWorld({ seed, network: { partitionResetMs: 400, chunkSplitProbability: 0.3, latency: { baseMs: 1, jitterMs: 2, tailProbability: 0.05, tailMeanMs: 20 } } });
  const server: Side = { received: '', closes: 0 };
  const client: Side = { received: '', closes: 0 };
  let sent = '';
  const track = (side: Side) => (conn: Connection) => {
    side.conn = conn;
    conn.setHandler({ data: (b) => (side.received += new TextDecoder().decode(b)), closed: () => side.closes++ });
  };
  world.spawn('srv', (rt) => rt.transport.listen('ptcp:1', { accepted: track(server) }), { ips: ['10.0.0.1'] });
  world.spawn('cli', (rt) => {
    rt.transport.connect('tcp:10.0.0.1:1', { connected: track(client), failed: () => {} });
    let n = 0;
    const tick = () => {
      if (client.conn?.isOpen) {
        const msg = `${n++};`;
        sent += msg;
        client.conn.send(new TextEncoder().encode(msg));
      }
      if (n < 300) rt.clock.setTimer(10, tick);
    };
    rt.clock.setTimer(5, tick);
  }, { ips: ['10.0.0.2'] });
  world.spawn('bystander', () => {}, { ips: ['10.0.0.3'] });
  const faults = drawFaultSchedule(new SeededRandom(`faults-${seed}`), {
    hosts: ['srv', 'cli', 'bystander'], durationMs: 2_500, episodes, kinds: ['partition', 'one-way', 'pause', 'clock'],
  });
  applyFaultSchedule(world, faults);
  world.sim.run({ untilMs: 20_000 });
  const context = `seed ${seed}, faults ${JSON.stringify(faults)}`;
  assert.ok(sent.startsWith(server.received), `server got bytes that were not sent in order (${context})`);
  assert.ok(server.closes <= 1 && client.closes <= 1, `closed reported twice (${context})`);
  if (server.closes === 0 && client.closes === 0) assert.equal(server.received, sent, `surviving connection lost bytes (${context})`);
}

describe('property: stream network under random faults', () => {
  it('delivers an in-order prefix, closes at most once, and loses nothing on surviving connections', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 8 }), (seed, episodes) => runOnce(seed, episodes)),
      { numRuns: 60, seed: Number(process.env.PROPERTY_SEED ?? 20261125), verbose: 1 },
    );
  });
});
