import { strict as assert } from 'node:assert';
import { SimWorld } from '../world';
import type { CloseReason, Connection } from '../../core/runtime/transport';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

interface Peer {
  received: string[];
  closed: CloseReason[];
  conn?: Connection;
}

/** Server on "srv" (10.0.0.1) that records what it gets; client on "cli" (10.0.0.2) connected to it. */
function twoHosts(options: ConstructorParameters<typeof SimWorld>[0]['network'] = {}) {
  const world = new SimWorld({ seed: 'net', network: { partitionResetMs: 1000, connectTimeoutMs: 500, ...options } });
  const server: Peer = { received: [], closed: [] };
  const client: Peer = { received: [], closed: [] };
  const track = (peer: Peer) => (conn: Connection) => {
    peer.conn = conn;
    conn.setHandler({ data: (b) => peer.received.push(dec(b)), closed: (r) => peer.closed.push(r) });
  };
  world.spawn('srv', (rt) => rt.transport.listen('ptcp:6641', { accepted: track(server) }), { ips: ['10.0.0.1'] });
  const cli = world.spawn('cli', (rt) => rt.transport.connect('tcp:10.0.0.1:6641', { connected: track(client), failed: (e) => assert.fail(e) }), { ips: ['10.0.0.2'] });
  world.sim.runFor(10);
  assert.ok(server.conn && client.conn, 'connection established');
  return { world, server, client, cli };
}

describe('StreamNetwork', () => {
  it('carries bytes both ways in order', () => {
    const { world, server, client } = twoHosts({ latency: { baseMs: 1, jitterMs: 5 } });
    for (let i = 0; i < 50; i++) client.conn!.send(enc(`${i},`));
    server.conn!.send(enc('hello'));
    world.sim.runFor(100);
    assert.equal(server.received.join(''), Array.from({ length: 50 }, (_, i) => `${i},`).join(''));
    assert.deepEqual(client.received, ['hello']);
  });

  it('a partition stops delivery both ways and healing resumes it', () => {
    const { world, server, client } = twoHosts();
    world.partitions.partition([['srv'], ['cli']]);
    client.conn!.send(enc('c1'));
    server.conn!.send(enc('s1'));
    world.sim.runFor(500);
    assert.deepEqual([server.received, client.received], [[], []]);
    world.partitions.heal();
    world.sim.runFor(10);
    assert.deepEqual([server.received, client.received], [['c1'], ['s1']]);
    assert.deepEqual([server.closed, client.closed], [[], []]);
  });

  it('a one-way block stops only its direction', () => {
    const { world, server, client } = twoHosts();
    world.partitions.blockOneWay('cli', 'srv');
    client.conn!.send(enc('up'));
    server.conn!.send(enc('down'));
    world.sim.runFor(100);
    assert.deepEqual(server.received, []);
    assert.deepEqual(client.received, ['down']);
    world.partitions.heal();
    world.sim.runFor(10);
    assert.deepEqual(server.received, ['up']);
  });

  it('resets both ends when a partition outlasts the reset timeout', () => {
    const { world, server, client } = twoHosts();
    world.partitions.partition([['srv'], ['cli']]);
    world.sim.runFor(1500);
    assert.deepEqual(server.closed, ['reset']);
    assert.deepEqual(client.closed, ['reset']);
    world.partitions.heal();
    world.sim.runFor(10);
    assert.deepEqual(server.closed, ['reset'], 'closed exactly once');
  });

  it("resets the peer's end when a host crashes, and refuses connects until it listens again", () => {
    const { world, client } = twoHosts();
    world.host('srv').crash();
    world.sim.runFor(10);
    assert.deepEqual(client.closed, ['reset']);
    const errors: string[] = [];
    world.spawn('cli2', (rt) => rt.transport.connect('tcp:10.0.0.1:6641', { connected: () => assert.fail('connected'), failed: (e) => errors.push(e.message) }), { ips: ['10.0.0.3'] });
    world.sim.runFor(1000);
    assert.match(errors[0]!, /timed out/);
  });

  it('refuses connections to a port with no listener and times out across a partition', () => {
    const world = new SimWorld({ seed: 1, network: { connectTimeoutMs: 700 } });
    world.spawn('a', () => {}, { ips: ['10.0.0.1'] });
    const errors: Array<[string, number]> = [];
    world.spawn('b', (rt) => {
      rt.transport.connect('tcp:10.0.0.1:1', { connected: () => {}, failed: (e) => errors.push([e.message, world.sim.now]) });
    }, { ips: ['10.0.0.2'] });
    world.sim.run();
    assert.match(errors[0]![0], /refused/);
    assert.ok(errors[0]![1] < 10);
    world.partitions.partition([['a'], ['b']]);
    world.host('b').runtime.transport.connect('tcp:10.0.0.1:1', { connected: () => {}, failed: (e) => errors.push([e.message, world.sim.now]) });
    world.sim.run();
    assert.match(errors[1]![0], /timed out/);
  });

  it('closes cleanly: data sent before close arrives, then remote-close', () => {
    const { world, server, client } = twoHosts();
    client.conn!.send(enc('last words'));
    client.conn!.close();
    world.sim.runFor(10);
    assert.deepEqual(server.received, ['last words']);
    assert.deepEqual(server.closed, ['remote-close']);
    assert.deepEqual(client.closed, ['local-close']);
  });

  it('splits data into arbitrary chunks when asked, without losing or reordering bytes', () => {
    const { world, server, client } = twoHosts({ chunkSplitProbability: 1, maxChunkPieces: 5 });
    const message = 'x'.repeat(100) + 'y'.repeat(100);
    client.conn!.send(enc(message));
    world.sim.runFor(10);
    assert.ok(server.received.length > 1);
    assert.equal(server.received.join(''), message);
  });
});
