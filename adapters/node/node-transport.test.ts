import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describeTransportContract } from '../../core/runtime/contracts/transport.contract';
import type { CloseReason, Connection, Listener } from '../../core/runtime/transport';
import { makeNodeTransportEnv, makeTempDir, waitUntilReal } from './contract-envs';
import { NodeTransport, TransportError } from './node-transport';

describeTransportContract('NodeTransport', () => makeNodeTransportEnv());

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  connection: Connection | null;
  error: Error | null;
  bound: string | null;
}

function listenOutcome(transport: NodeTransport, address: string): Outcome & { listener: Listener; accepted: Connection[] } {
  const accepted: Connection[] = [];
  const out = { connection: null, error: null as Error | null, bound: null as string | null, accepted } as Outcome & {
    listener: Listener;
    accepted: Connection[];
  };
  out.listener = transport.listen(address, {
    accepted: (c) => accepted.push(c),
    listening: (b) => (out.bound = b),
    failed: (e) => (out.error = e),
  });
  return out;
}

function connectOutcome(transport: NodeTransport, address: string): Outcome {
  const out: Outcome = { connection: null, error: null, bound: null };
  transport.connect(address, { connected: (c) => (out.connection = c), failed: (e) => (out.error = e) });
  return out;
}

describe('NodeTransport (Node specifics)', () => {
  let dir: string;
  let transport: NodeTransport;
  const cleanups: Array<() => void> = [];
  beforeEach(() => {
    dir = makeTempDir('transport-node');
    transport = new NodeTransport({ closeLingerMs: 200 });
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0)) c();
    await sleep(5);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('replaces a stale socket file left by a crashed server, and removes its own on close', async () => {
    const sock = path.join(dir, 'stale.sock');
    // A process that binds and dies without cleaning up leaves the socket file behind.
    const script = `require('net').createServer().listen(${JSON.stringify(sock)}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script]);
    assert.ok(fs.lstatSync(sock).isSocket(), 'the crashed server left its socket file');
    const server = listenOutcome(transport, `punix:${sock}`);
    cleanups.push(() => server.listener.close());
    await waitUntilReal(() => server.bound !== null || server.error !== null, 'listening');
    assert.equal(server.error, null);
    assert.equal(server.bound, `punix:${sock}`);
    assert.equal(server.listener.address, `punix:${sock}`);
    const client = connectOutcome(transport, `unix:${sock}`);
    await waitUntilReal(() => client.connection !== null && server.accepted.length === 1, 'connected');
    assert.equal(client.connection!.remoteAddress, `unix:${sock}`);
    client.connection!.close();
    server.listener.close();
    assert.equal(fs.existsSync(sock), false, 'socket file removed on close');
  });

  it('refuses to replace a file that is not a socket', async () => {
    const file = path.join(dir, 'precious');
    fs.writeFileSync(file, 'keep me');
    const server = listenOutcome(transport, `punix:${file}`);
    cleanups.push(() => server.listener.close());
    assert.equal(server.error, null, 'failed() must not be called inside listen()');
    await waitUntilReal(() => server.error !== null || server.bound !== null, 'listen outcome');
    assert.match(server.error!.message, /precious exists and is not a socket/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'keep me');
  });

  it('reports ssl/pssl as not supported yet, and bad addresses clearly, through failed() on a later turn', async () => {
    const outcomes = [
      connectOutcome(transport, 'ssl:127.0.0.1:6641'),
      listenOutcome(transport, 'pssl:0:127.0.0.1'),
      connectOutcome(transport, 'tcp:127.0.0.1:99999'),
      listenOutcome(transport, 'tcp:6640'),
      connectOutcome(transport, 'udp:1.2.3.4'),
    ];
    assert.ok(outcomes.every((o) => o.error === null), 'no failure reported synchronously');
    await waitUntilReal(() => outcomes.every((o) => o.error !== null), 'all failures');
    const messages = outcomes.map((o) => o.error!.message);
    assert.match(messages[0]!, /ssl \(TLS\) is not supported yet/);
    assert.match(messages[1]!, /pssl \(TLS\) is not supported yet/);
    assert.match(messages[2]!, /port 99999 is out of range/);
    assert.match(messages[3]!, /unknown listening method "tcp"/);
    assert.match(messages[4]!, /unknown connection method "udp"/);
    assert.ok(outcomes.every((o) => o.error instanceof TransportError));
  });

  it('names connections by their endpoints and reports ECONNREFUSED with its code', async () => {
    const server = listenOutcome(transport, 'ptcp:0:127.0.0.1');
    cleanups.push(() => server.listener.close());
    await waitUntilReal(() => server.bound !== null, 'listening');
    const port = Number(server.bound!.split(':')[1]);
    assert.equal(server.listener.address, `ptcp:${port}:127.0.0.1`);
    const client = connectOutcome(transport, `tcp:127.0.0.1:${port}`);
    await waitUntilReal(() => client.connection !== null && server.accepted.length === 1, 'connected');
    const c = client.connection!;
    const s = server.accepted[0]!;
    assert.match(c.name, new RegExp(`^tcp:127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:${port}$`));
    assert.match(s.name, new RegExp(`^tcp:127\\.0\\.0\\.1:${port}<-127\\.0\\.0\\.1:\\d+$`));
    assert.equal(c.remoteAddress, `tcp:127.0.0.1:${port}`);
    assert.match(s.remoteAddress, /^tcp:127\.0\.0\.1:\d+$/);
    c.close();
    s.close();
    server.listener.close();
    const refused = connectOutcome(transport, `tcp:127.0.0.1:${port}`);
    await waitUntilReal(() => refused.error !== null, 'refused');
    assert.equal((refused.error as TransportError).code, 'ECONNREFUSED');
    assert.match(refused.error!.message, new RegExp(`connect to tcp:127\\.0\\.0\\.1:${port} failed`));
  });

  it('reports a peer reset as closed("reset")', async () => {
    const server = listenOutcome(transport, 'ptcp:0:127.0.0.1');
    cleanups.push(() => server.listener.close());
    await waitUntilReal(() => server.bound !== null, 'listening');
    const port = Number(server.bound!.split(':')[1]);
    const raw = net.createConnection({ host: '127.0.0.1', port });
    raw.on('error', () => undefined);
    await waitUntilReal(() => server.accepted.length === 1, 'accepted');
    const closes: Array<[CloseReason, string | undefined]> = [];
    server.accepted[0]!.setHandler({ data: () => undefined, closed: (r, d) => closes.push([r, d]) });
    raw.resetAndDestroy();
    await waitUntilReal(() => closes.length > 0, 'reset seen');
    await sleep(20);
    assert.equal(closes.length, 1);
    assert.equal(closes[0]![0], 'reset');
    assert.match(closes[0]![1] ?? '', /ECONNRESET/);
    assert.equal(server.accepted[0]!.isOpen, false);
  });

  it('cuts off a peer that never closes its side after closeLingerMs', async () => {
    const server = listenOutcome(transport, 'ptcp:0:127.0.0.1');
    cleanups.push(() => server.listener.close());
    await waitUntilReal(() => server.bound !== null, 'listening');
    const port = Number(server.bound!.split(':')[1]);
    // A half-open peer: it reads our FIN but never sends its own.
    const raw = net.createConnection({ host: '127.0.0.1', port, allowHalfOpen: true });
    let gotEnd = false;
    let gotClose = false;
    raw.on('end', () => (gotEnd = true));
    raw.on('close', () => (gotClose = true));
    raw.on('error', () => undefined);
    await waitUntilReal(() => server.accepted.length === 1, 'accepted');
    server.accepted[0]!.close();
    await waitUntilReal(() => gotEnd, 'our FIN at the peer');
    // While lingering we still read (and discard) what the peer sends, so its writes cause no reset.
    raw.write('still talking');
    await sleep(30);
    raw.write('still talking');
    await sleep(50);
    assert.equal(gotClose, false, 'still lingering');
    // After closeLingerMs our socket is gone: the kernel answers the peer's next write with a reset, which
    // the peer notices on the write after that.
    await sleep(250);
    for (let i = 0; i < 20 && !gotClose; i++) {
      raw.write('anyone there?');
      await sleep(20);
    }
    assert.equal(gotClose, true, 'the peer was reset after the linger ended');
  });

  it('after a remote close, gives up on bytes the peer will never read after closeLingerMs', async () => {
    const server = listenOutcome(transport, 'ptcp:0:127.0.0.1');
    cleanups.push(() => server.listener.close());
    await waitUntilReal(() => server.bound !== null, 'listening');
    const port = Number(server.bound!.split(':')[1]);
    const raw = net.createConnection({ host: '127.0.0.1', port, allowHalfOpen: true });
    raw.on('error', () => undefined);
    raw.pause(); // never reads
    cleanups.push(() => raw.destroy());
    await waitUntilReal(() => server.accepted.length === 1, 'accepted');
    const conn = server.accepted[0]!;
    const closes: CloseReason[] = [];
    conn.setHandler({ data: () => undefined, closed: (r) => closes.push(r) });
    conn.send(new Uint8Array(16 * 1024 * 1024)); // far more than the kernel buffers hold
    raw.end();
    await waitUntilReal(() => closes.length === 1, 'remote-close');
    assert.deepEqual(closes, ['remote-close']);
    assert.ok(conn.bufferedBytes() > 0, 'bytes stuck behind a peer that does not read');
    await waitUntilReal(() => conn.bufferedBytes() === 0, 'the stuck socket given up', 2000);
  });

  it('pauses a connection without a handler past maxUnhandledBytes, and loses nothing', async () => {
    const small = new NodeTransport({ maxUnhandledBytes: 64 * 1024 });
    const server = listenOutcome(small, `punix:${path.join(dir, 'bp.sock')}`);
    cleanups.push(() => server.listener.close());
    await waitUntilReal(() => server.bound !== null, 'listening');
    const client = connectOutcome(small, `unix:${path.join(dir, 'bp.sock')}`);
    await waitUntilReal(() => client.connection !== null && server.accepted.length === 1, 'connected');
    const total = 4 * 1024 * 1024;
    const data = new Uint8Array(total).map((_, i) => (i * 7) & 0xff);
    client.connection!.send(data);
    await sleep(100);
    assert.ok(client.connection!.bufferedBytes() > 0, 'the sender feels back-pressure while nobody reads');
    const got: Uint8Array[] = [];
    let received = 0;
    server.accepted[0]!.setHandler({
      data: (b) => {
        got.push(Buffer.from(b));
        received += b.length;
      },
      closed: () => undefined,
    });
    await waitUntilReal(() => received >= total, '4 MB delivered');
    assert.ok(Buffer.concat(got).equals(Buffer.from(data)));
    client.connection!.close();
  });

  it('close() before the bind completes leaves nothing listening and calls nothing', async () => {
    const sock = path.join(dir, 'early.sock');
    const server = listenOutcome(transport, `punix:${sock}`);
    server.listener.close();
    await sleep(50);
    assert.equal(server.bound, null);
    assert.equal(server.error, null);
    assert.equal(fs.existsSync(sock), false);
  });

  it('listens and connects over IPv6 loopback when the host has it', async function () {
    const probe = net.createServer();
    const v6 = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(0, '::1', () => resolve(true));
    });
    probe.close();
    if (!v6) this.skip();
    const server = listenOutcome(transport, 'ptcp:0:[::1]');
    cleanups.push(() => server.listener.close());
    await waitUntilReal(() => server.bound !== null, 'listening');
    assert.match(server.bound!, /^ptcp:\d+:\[::1\]$/);
    const port = Number(server.bound!.split(':')[1]);
    const client = connectOutcome(transport, `tcp:[::1]:${port}`);
    await waitUntilReal(() => client.connection !== null, 'connected');
    assert.equal(client.connection!.remoteAddress, `tcp:[::1]:${port}`);
    client.connection!.close();
  });
});
