import { strict as assert } from 'node:assert';
import { lan, mac } from './vm-test-kit.test';
import { arpReply, icmp4Echo } from '../../core/packet/recipes';
import { decodeFrame } from '../../core/packet/decode';
import { maxNeighborProbesCount, neighborRetryIntervalMs } from './neighbor-cache';
import type { PingResult } from './ping';
import type { TcpProbeResult } from './tcp-lite';
import type { UdpProbeResult } from './udp';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('VmHost on a plain L2 segment', () => {
  it('two VMs ping each other over IPv4 with RTTs in virtual time', () => {
    const { world, vm } = lan('ping4', { latency: { baseMs: 2 } });
    const a = vm('a', 1, { address: '10.0.0.1', prefixLength: 24 });
    const b = vm('b', 2, { address: '10.0.0.2', prefixLength: 24 });
    const results: PingResult[] = [];
    a.ping('10.0.0.2', { count: 3, intervalMs: 100 }, (r) => results.push(r));
    b.ping('10.0.0.1', { count: 2, intervalMs: 100 }, (r) => results.push(r));
    world.sim.run();
    assert.equal(results.length, 2);
    const [fromB, fromA] = [...results].sort((x, y) => x.sent - y.sent);
    assert.deepEqual([fromA!.sent, fromA!.received], [3, 3]);
    assert.deepEqual([fromB!.sent, fromB!.received], [2, 2]);
    // The first echo waits for ARP. Both VMs ARP at t=0, so each learns the other from the other's request
    // at t=2 (RFC 826: the target learns the sender): 2 ms of ARP plus the 4 ms round trip.
    assert.equal(fromA!.rttsMs[0], 6);
    assert.equal(fromA!.rttsMs[1], 4);
    assert.equal(a.arpProbesSent, 1);
  });

  it('pings over IPv6 with neighbor discovery (static and link-local addresses)', () => {
    const { world, vm } = lan('ping6');
    const a = vm('a', 1, undefined, { address: 'fd00::1' });
    const b = vm('b', 2, undefined, { address: 'fd00::2' });
    const results: PingResult[] = [];
    a.ping('FD00:0:0::2', { count: 2, intervalMs: 50 }, (r) => results.push(r)); // any spelling of the address
    assert.equal(a.ipv6Address, 'fd00::1');
    b.ping('fe80::ff:fe00:1', { count: 1 }, (r) => results.push(r)); // a's EUI-64 link-local address
    world.sim.run();
    assert.deepEqual(results.map((r) => [r.target, r.received]).sort(), [['fd00::2', 2], ['fe80::ff:fe00:1', 1]]);
  });

  it('reports loss when the target does not exist (ARP gives up after its bounded probes)', () => {
    const { world, vm } = lan('noone');
    const a = vm('a', 1, { address: '10.0.0.1', prefixLength: 24 });
    let result: PingResult | undefined;
    a.ping('10.0.0.9', { count: 1 }, (r) => (result = r));
    world.sim.run();
    assert.equal(result!.received, 0);
    assert.equal(a.arpProbesSent, maxNeighborProbesCount);
    assert.match(result!.errors[0]!, /no ARP reply from 10\.0\.0\.9 after 3 probes/);
  });

  it('ARP retries through a lossy segment and the ping still succeeds', () => {
    // Seeded: with 60% loss this seed loses the first ARP exchange and needs a retry.
    let retried = 0;
    for (const seed of ['lossy-1', 'lossy-2', 'lossy-3', 'lossy-4', 'lossy-5', 'lossy-6']) {
      const { world, vm } = lan(seed, { lossProbability: 0.6 });
      const a = vm('a', 1, { address: '10.0.0.1', prefixLength: 24 });
      vm('b', 2, { address: '10.0.0.2', prefixLength: 24 });
      let result: PingResult | undefined;
      a.ping('10.0.0.2', { count: 20, intervalMs: 1_500 }, (r) => (result = r));
      world.sim.run();
      assert.ok(result!.received > 0, `${seed}: some replies`);
      assert.ok(result!.received < 20, `${seed}: loss visible`);
      if (a.arpProbesSent > 1) retried++;
      // Retries are spaced by the retry interval, never faster.
      assert.ok(a.arpProbesSent <= 20 * maxNeighborProbesCount);
    }
    assert.ok(retried >= 2, `ARP retried on ${retried} of 6 seeds`);
    assert.equal(neighborRetryIntervalMs, 1_000);
  });

  it('UDP echo service answers a probe; a probe to a silent port times out', () => {
    const { world, vm } = lan('udp');
    const a = vm('a', 1, { address: '10.0.0.1', prefixLength: 24 });
    const b = vm('b', 2, { address: '10.0.0.2', prefixLength: 24 });
    b.udp.serveEcho(7);
    const results: UdpProbeResult[] = [];
    a.udpProbe('10.0.0.2', 7, enc.encode('hello'), (r) => results.push(r));
    world.sim.run();
    a.udpProbe('10.0.0.2', 9, enc.encode('nobody'), (r) => results.push(r), 500);
    world.sim.run();
    assert.equal(results[0]!.ok, true);
    assert.equal(dec.decode(results[0]!.response), 'hello');
    assert.equal(results[1]!.ok, false);
    assert.match(results[1]!.error!, /no UDP answer from 10\.0\.0\.2:9 in 500 ms/);
    assert.equal(b.udp.unboundDrops, 1);
  });

  it('TCP: handshake, request, response and close; RST on a closed port', () => {
    const { world, vm } = lan('tcp', { latency: { baseMs: 1 } });
    const a = vm('a', 1, { address: '10.0.0.1', prefixLength: 24 }, { address: 'fd00::1' });
    const b = vm('b', 2, { address: '10.0.0.2', prefixLength: 24 }, { address: 'fd00::2' });
    b.tcpListen(80, (req, from) => enc.encode(`echo ${dec.decode(req)} from ${from.src}`));
    const results: TcpProbeResult[] = [];
    a.tcpRequest('10.0.0.2', 80, enc.encode('GET /'), (r) => results.push(r));
    world.sim.run();
    a.tcpRequest('10.0.0.2', 81, enc.encode('GET /'), (r) => results.push(r));
    world.sim.run();
    a.tcpRequest('fd00::2', 80, enc.encode('v6'), (r) => results.push(r));
    world.sim.run();
    assert.equal(results[0]!.ok, true, results[0]!.error);
    assert.equal(dec.decode(results[0]!.response), 'echo GET / from 10.0.0.1');
    // ARP request and reply, then SYN, SYN-ACK, request, response+FIN, FIN, ACK: 1 ms each way.
    assert.equal(results[0]!.elapsedMs, 8);
    assert.equal(results[1]!.ok, false);
    assert.match(results[1]!.error!, /connection reset by 10\.0\.0\.2:81/);
    assert.equal(b.tcp.resetsSent, 1);
    assert.equal(results[2]!.ok, true, results[2]!.error);
    assert.equal(dec.decode(results[2]!.response), 'echo v6 from fd00::1');
  });

  it('TCP survives loss by retransmitting (seeded)', () => {
    let ok = 0;
    for (const seed of ['t1', 't2', 't3', 't4', 't5']) {
      const { world, vm } = lan(`tcp-loss-${seed}`, { lossProbability: 0.2 });
      const a = vm('a', 1, { address: '10.0.0.1', prefixLength: 24 });
      const b = vm('b', 2, { address: '10.0.0.2', prefixLength: 24 });
      b.tcpListen(80, () => enc.encode('pong'));
      let r: TcpProbeResult | undefined;
      a.tcpRequest('10.0.0.2', 80, enc.encode('ping'), (x) => (r = x));
      world.sim.run();
      assert.ok(r, `${seed}: the probe reported`);
      if (r.ok) {
        ok++;
        assert.equal(dec.decode(r.response), 'pong');
      } else {
        assert.match(r.error!, /retransmissions|ARP/);
      }
    }
    assert.ok(ok >= 4, `${ok} of 5 lossy TCP probes succeeded`);
  });

  it('drops frames with bad checksums and malformed frames without answering', () => {
    const { world, vm, rawNic } = lan('checksums');
    const b = vm('b', 2, { address: '10.0.0.2', prefixLength: 24 });
    const nic = rawNic('raw', 1);
    const answers: Uint8Array[] = [];
    nic.setReceiver((f) => {
      const d = decodeFrame(f);
      // Answer ARP for 10.0.0.1 so that b can reply to a good echo request.
      if (d.ok && d.value.l3?.kind === 'arp' && d.value.l3.op === 1) nic.send(arpReply({ srcMac: mac(1), srcIp: '10.0.0.1', dstMac: d.value.l3.sha, dstIp: d.value.l3.spa }));
      else answers.push(f);
    });
    const good = icmp4Echo({ srcMac: mac(1), dstMac: mac(2), srcIp: '10.0.0.1', dstIp: '10.0.0.2', identifier: 3, sequence: 1 });
    const badIcmp = good.slice();
    badIcmp[14 + 20 + 2]! ^= 0xff; // ICMP checksum
    const badIp = good.slice();
    badIp[14 + 10]! ^= 0xff; // IPv4 header checksum
    const truncated = good.slice(0, 14 + 12);
    for (const f of [badIcmp, badIp, truncated]) nic.send(f);
    world.sim.run();
    assert.equal(answers.length, 0);
    assert.equal(b.stats.malformed, 3);
    nic.send(good);
    world.sim.run();
    // The intact one is answered.
    assert.equal(answers.length, 1);
    const reply = decodeFrame(answers[0]!);
    assert.ok(reply.ok && reply.value.l4?.kind === 'icmp4' && reply.value.l4.type === 0 && reply.value.l4.echo?.sequence === 1);
  });
});
