// The Transport contract (core/runtime/transport.ts), one suite for every implementation: Node sockets
// (adapters/node) and the simulator's network (sim/). Written against the interfaces only, and with no
// notion of time of its own: everything waits through env.waitUntil / env.idle, so it runs in virtual time.

import { parsePassiveAddress } from '../address';
import type { TransportContractEnv } from './contract-env';
import { check, checkBytes, checkEqual, concatBytes, patternBytes, textBytes } from './contract-checks';
import { Recorder, TransportWorld, activeAddressFor, type Pair } from './transport-world';

/** Long enough for 1 MB each way over any implementation we run in CI. */
const bulkLimitMs = 20_000;
/** How long "nothing more happens" is watched for. */
const quietMs = 100;

export function describeTransportContract(
  label: string,
  makeEnv: () => TransportContractEnv | Promise<TransportContractEnv>,
): void {
  /** Each test gets a fresh env and world; the world's rule checks run after the body, cleanup always. */
  function contractIt(name: string, body: (world: TransportWorld) => Promise<void>): void {
    it(name, async () => {
      const env = await makeEnv();
      const world = new TransportWorld(env);
      try {
        await body(world);
        world.checkNoViolations();
      } finally {
        world.closeAll();
        await env.dispose();
      }
    });
  }

  async function closeFrom(world: TransportWorld, address: string, closer: 'client' | 'server'): Promise<void> {
    const pair = await world.pair(address);
    const [closing, closingRec, other, otherRec] =
      closer === 'client'
        ? [pair.clientConnection, pair.clientRecorder, pair.serverConnection, pair.serverRecorder]
        : [pair.serverConnection, pair.serverRecorder, pair.clientConnection, pair.clientRecorder];
    const sent = [textBytes('first;'), patternBytes(5000, 3), textBytes(';last')];
    for (const bytes of sent) world.guard.call('send', () => closing.send(bytes));
    world.guard.call('close', () => closing.close());
    checkEqual(closing.isOpen, false, `${closer}: isOpen right after close()`);
    checkEqual(closingRec.closes.length, 0, `${closer}: closed() calls right after close() returned`);
    await world.env.waitUntil(
      () => closingRec.closes.length > 0 && otherRec.closes.length > 0,
      `both sides seeing closed after the ${closer} closed`,
    );
    checkEqual(closingRec.closes[0]!.reason, 'local-close', `${closer} (closing side) close reason`);
    checkEqual(otherRec.closes[0]!.reason, 'remote-close', `peer of the closing ${closer}: close reason`);
    checkBytes(otherRec.bytes(), concatBytes(sent), `data sent by the ${closer} before close()`);
    checkEqual(other.isOpen, false, `peer of the closing ${closer}: isOpen after closed`);
    // Closing the already-closed side is harmless and reports nothing more.
    world.guard.call('close (after closed)', () => other.close());
    await world.env.idle(quietMs);
    checkEqual(closingRec.closes.length, 1, `${closer}: closed() count`);
    checkEqual(otherRec.closes.length, 1, `peer of the closing ${closer}: closed() count`);
  }

  describe(`Transport contract: ${label}`, () => {
    contractIt('listens on each address, reports a usable bound address, and carries bytes both ways', async (world) => {
      for (const address of world.env.listenAddresses) {
        const greeting = textBytes(`hello from ${address};`);
        const pair = await world.pair(address, { echo: true, greeting });
        const requested = parsePassiveAddress(address);
        const bound = parsePassiveAddress(pair.server.bound);
        checkEqual(bound.kind, requested.kind, `kind of bound address ${pair.server.bound}`);
        if (requested.kind === 'ptcp' && bound.kind === 'ptcp') {
          if (requested.port === 0) check(bound.port > 0, `ptcp:0 bound to port ${bound.port}, expected a real port`);
          else checkEqual(bound.port, requested.port, `bound port for ${address}`);
        }
        for (const c of [pair.clientConnection, pair.serverConnection]) {
          check(c.name.length > 0 && c.remoteAddress.length > 0, `connection name/remoteAddress are empty on ${address}`);
          checkEqual(c.isOpen, true, `isOpen of a new connection on ${address}`);
        }
        const ping = textBytes('ping from the client');
        world.guard.call('send', () => pair.clientConnection.send(ping));
        const expected = concatBytes([greeting, ping]);
        await world.env.waitUntil(() => pair.clientRecorder.received >= expected.length, `echo on ${address}`);
        checkBytes(pair.clientRecorder.bytes(), expected, `greeting then echo on ${address}`);
        checkBytes(pair.serverRecorder.bytes(), ping, `bytes the server received on ${address}`);
        pair.clientConnection.close();
        pair.server.listener.close();
      }
    });

    contractIt('delivers 1 MB sent in 1000 sends, in order and complete, both ways at once', async (world) => {
      const sendCount = 1000;
      const sendBytes = 1000;
      for (const address of world.env.listenAddresses) {
        const pair = await world.pair(address);
        const streams = (seed: number): Uint8Array[] =>
          Array.from({ length: sendCount }, (_, i) => patternBytes(sendBytes, seed + i));
        const up = streams(1);
        const down = streams(7);
        // One scratch array reused for every send: send() must take its own copy.
        const scratch = new Uint8Array(sendBytes);
        for (let i = 0; i < sendCount; i++) {
          scratch.set(up[i]!);
          world.guard.call('send', () => pair.clientConnection.send(scratch));
          scratch.set(down[i]!);
          world.guard.call('send', () => pair.serverConnection.send(scratch));
        }
        scratch.fill(0);
        const total = sendCount * sendBytes;
        await world.env.waitUntil(
          () => pair.serverRecorder.received >= total && pair.clientRecorder.received >= total,
          `1 MB each way on ${address} (server has ${pair.serverRecorder.received}, client ${pair.clientRecorder.received})`,
          bulkLimitMs,
        );
        checkBytes(pair.serverRecorder.bytes(), concatBytes(up), `client-to-server stream on ${address}`);
        checkBytes(pair.clientRecorder.bytes(), concatBytes(down), `server-to-client stream on ${address}`);
        await world.env.waitUntil(
          () => pair.clientConnection.bufferedBytes() === 0 && pair.serverConnection.bufferedBytes() === 0,
          `bufferedBytes() returning to 0 on ${address}`,
        );
        pair.clientConnection.close();
        pair.server.listener.close();
      }
    });

    contractIt('keeps the streams of concurrent connections apart', async (world) => {
      const address = world.env.listenAddresses[0]!;
      const server = await world.listenReady(address, { echo: true });
      const clients = [1, 2, 3, 4, 5].map(() => world.connect(activeAddressFor(server.bound)));
      await world.env.waitUntil(() => clients.every((c) => c.connection !== null), 'five clients connected');
      const messages = clients.map((_, i) => patternBytes(3000 + i, 40 + i));
      clients.forEach((c, i) => world.guard.call('send', () => c.connection!.send(messages[i]!)));
      await world.env.waitUntil(
        () => clients.every((c, i) => c.recorder!.received >= messages[i]!.length),
        'every client getting its echo',
      );
      clients.forEach((c, i) => checkBytes(c.recorder!.bytes(), messages[i]!, `echo to client ${i}`));
      checkEqual(server.accepted.length, 5, 'connections accepted');
    });

    contractIt('close by the client: closed once per side (local-close / remote-close), after all data', async (world) => {
      for (const address of world.env.listenAddresses) await closeFrom(world, address, 'client');
    });

    contractIt('close by the server: closed once per side (local-close / remote-close), after all data', async (world) => {
      for (const address of world.env.listenAddresses) await closeFrom(world, address, 'server');
    });

    contractIt('both sides closing at once: each sees local-close exactly once', async (world) => {
      for (const address of world.env.listenAddresses) {
        const pair: Pair = await world.pair(address);
        world.guard.call('close', () => pair.clientConnection.close());
        world.guard.call('close', () => pair.serverConnection.close());
        await world.env.waitUntil(
          () => pair.clientRecorder.closes.length > 0 && pair.serverRecorder.closes.length > 0,
          `both closed on ${address}`,
        );
        await world.env.idle(quietMs);
        checkEqual(pair.clientRecorder.closes.map((c) => c.reason), ['local-close'], `client closes on ${address}`);
        checkEqual(pair.serverRecorder.closes.map((c) => c.reason), ['local-close'], `server closes on ${address}`);
      }
    });

    contractIt('buffers data that arrives before setHandler and delivers it, then closed, on a later turn', async (world) => {
      for (const address of world.env.listenAddresses) {
        const server = await world.listenReady(address, { record: false });
        const client = await world.connectReady(activeAddressFor(server.bound));
        const early = [textBytes('sent before the server set a handler;'), patternBytes(20_000, 9)];
        for (const bytes of early) world.guard.call('send', () => client.connection.send(bytes));
        world.guard.call('close', () => client.connection.close());
        await world.env.waitUntil(() => server.accepted.length === 1, `accepting on ${address}`);
        await world.env.idle(quietMs); // let the bytes and the FIN reach the server while it has no handler
        const late = new Recorder(world.guard, 'late-server');
        const connection = server.accepted[0]!.connection;
        world.guard.call('setHandler', () => connection.setHandler(late));
        checkEqual(late.received + late.closes.length, 0, 'callbacks made inside setHandler()');
        await world.env.waitUntil(() => late.closes.length > 0, `buffered data then closed on ${address}`);
        checkBytes(late.bytes(), concatBytes(early), `buffered bytes on ${address}`);
        checkEqual(late.closes[0]!.reason, 'remote-close', `close reason after buffering on ${address}`);
      }
    });

    contractIt('connect fails through failed() when nothing listens at the address', async (world) => {
      for (const address of world.env.listenAddresses) {
        const server = await world.listenReady(address);
        const target = activeAddressFor(server.bound);
        server.listener.close();
        await world.env.idle(quietMs);
        const client = world.connect(target);
        checkEqual(client.error, null, `failed() called inside connect(${target})`);
        await world.env.waitUntil(() => client.error !== null || client.connection !== null, `connect(${target}) outcome`);
        check(client.error instanceof Error, () => `connect(${target}) with no listener should fail, but it connected`);
        check(client.error.message.length > 0, 'connect failure has an empty message');
        await world.env.idle(quietMs);
        checkEqual(client.connection, null, `connected after failed for ${target}`);
      }
    });

    contractIt('a closed listener accepts no new connections; its accepted connections stay open', async (world) => {
      for (const address of world.env.listenAddresses) {
        const pair = await world.pair(address, { echo: true });
        const target = activeAddressFor(pair.server.bound);
        world.guard.call('listener.close', () => pair.server.listener.close());
        const refused = world.connect(target);
        await world.env.waitUntil(() => refused.error !== null || refused.connection !== null, `connect after close`);
        check(refused.error !== null, () => `connect to ${target} succeeded after its listener closed`);
        checkEqual(pair.server.accepted.length, 1, `accepted after listener close on ${address}`);
        const ping = textBytes('still there?');
        world.guard.call('send', () => pair.clientConnection.send(ping));
        await world.env.waitUntil(() => pair.clientRecorder.received >= ping.length, 'echo after listener close');
        checkBytes(pair.clientRecorder.bytes(), ping, 'echo on a connection whose listener closed');
        checkEqual(pair.clientConnection.isOpen && pair.serverConnection.isOpen, true, 'connections still open');
      }
    });

    contractIt('listening on a TCP port that is in use fails through failed()', async (world) => {
      const tcp = world.env.listenAddresses.filter((a) => parsePassiveAddress(a).kind === 'ptcp');
      for (const address of tcp) {
        const first = await world.listenReady(address);
        const second = world.listen(first.bound);
        await world.env.waitUntil(() => second.error !== null || second.bound !== null, `second listen on ${first.bound}`);
        check(second.error !== null, () => `second listen on ${first.bound} succeeded while the first still listens`);
      }
    });

    contractIt('cancel() of a pending connect calls neither connected nor failed', async (world) => {
      for (const address of world.env.listenAddresses) {
        const server = await world.listenReady(address);
        const client = world.connect(activeAddressFor(server.bound));
        world.guard.call('cancel', () => client.pending.cancel());
        await world.env.idle(quietMs);
        checkEqual(client.connection === null && client.error === null, true, `outcome reported after cancel()`);
      }
    });

    contractIt('send after close is ignored: no error, nothing arrives', async (world) => {
      for (const address of world.env.listenAddresses) {
        const pair = await world.pair(address);
        const before = textBytes('before close');
        world.guard.call('send', () => pair.clientConnection.send(before));
        world.guard.call('close', () => pair.clientConnection.close());
        world.guard.call('send after close', () => pair.clientConnection.send(textBytes('after close')));
        await world.env.waitUntil(() => pair.serverRecorder.closes.length > 0, `server sees close on ${address}`);
        checkBytes(pair.serverRecorder.bytes(), before, `bytes received on ${address}`);
        // The peer sending to a connection that closed is ignored too.
        world.guard.call('send after remote close', () => pair.serverConnection.send(textBytes('too late')));
        await world.env.idle(quietMs);
        checkEqual(pair.clientRecorder.received, 0, 'bytes delivered to the side that closed');
        checkEqual(pair.clientConnection.bufferedBytes() >= 0, true, 'bufferedBytes() after close');
      }
    });
  });
}
