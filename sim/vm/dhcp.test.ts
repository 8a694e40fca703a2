import { strict as assert } from 'node:assert';
import { dhcp4Server, lan } from './vm-test-kit.test';
import { decodeFrame } from '../../core/packet/decode';
import { dhcp6MessageTypes, dhcp6Option, dhcp6OptionCodes, readDhcp6IaNa } from '../../core/packet/dhcp6';
import { dhcp6Reply } from '../../core/packet/responder-recipes';
import { formatIpv4 } from '../../core/packet/address';
import type { Nic } from '../../core/runtime/datagram';
import type { PingResult } from './ping';

/** A tiny DHCPv6 server on a raw NIC: ADVERTISE for SOLICIT, REPLY for REQUEST and RENEW. */
function dhcp6Server(nic: Nic, log: string[]): void {
  nic.setReceiver((frame) => {
    const f = decodeFrame(frame);
    if (!f.ok || f.value.app?.kind !== 'dhcp6' || f.value.l3?.kind !== 'ipv6') return;
    const m = f.value.app;
    const names: Record<number, string> = { 1: 'SOLICIT', 3: 'REQUEST', 5: 'RENEW' };
    log.push(names[m.msgType] ?? `type ${m.msgType}`);
    const iaNa = readDhcp6IaNa(dhcp6Option(m, dhcp6OptionCodes.iaNa)!);
    nic.send(dhcp6Reply({
      serverMac: nic.mac, serverIp: 'fe80::1', clientMac: f.value.eth.src, clientIp: f.value.l3.src,
      msgType: m.msgType === dhcp6MessageTypes.solicit ? dhcp6MessageTypes.advertise : dhcp6MessageTypes.reply,
      transactionId: m.transactionId!, clientDuid: dhcp6Option(m, dhcp6OptionCodes.clientId)!, iaid: iaNa.iaid,
      address: 'fd00::100', preferredLifetimeSeconds: 40, validLifetimeSeconds: 80,
    }));
  });
}

describe('VM DHCP clients', () => {
  it('DHCPv4: discover/offer/request/ack binds the address, gateway and MTU; renews at T1', () => {
    const { world, vm } = lan('dhcp4', { latency: { baseMs: 1 } });
    const log: string[] = [];
    const server = vm('server', 1, { address: '10.0.0.2', prefixLength: 24 });
    dhcp4Server(server, 60, log);
    const client = vm('client', 10, 'dhcp');
    client.start();
    world.sim.runFor(1_000);
    assert.deepEqual(log, ['DISCOVER', 'OFFER', 'REQUEST', 'ACK']);
    assert.equal(client.ipv4Address, '10.0.0.100');
    assert.equal(client.dhcp4!.state, 'bound');
    assert.equal(client.dhcp4!.lease!.mtu, 1442);
    assert.equal(formatIpv4(client.dhcp4!.lease!.router!), '10.0.0.1');
    assert.equal(client.dhcp4!.lease!.prefixLength, 24);
    // The bound address works: the server pings its new client.
    let ping: PingResult | undefined;
    server.ping('10.0.0.100', { count: 1 }, (r) => (ping = r));
    world.sim.runFor(1_000);
    assert.equal(ping!.received, 1);
    // T1 = 30 s: a unicast renewal (ciaddr set) is acknowledged and the lease goes on.
    world.sim.runFor(30_000);
    assert.deepEqual(log.slice(4), ['REQUEST(renew)', 'ACK']);
    assert.equal(client.dhcp4!.state, 'bound');
    assert.ok(client.dhcp4!.leaseAgeMs < 2_000, `lease age ${client.dhcp4!.leaseAgeMs}`);
  });

  it('DHCPv4: a NAK on renewal drops the address and starts over', () => {
    const { world, vm } = lan('dhcp4-nak');
    const log: string[] = [];
    const server = vm('server', 1, { address: '10.0.0.2', prefixLength: 24 });
    dhcp4Server(server, 20, log, true);
    const client = vm('client', 10, 'dhcp');
    client.start();
    world.sim.runFor(10_500);
    assert.deepEqual(log, ['DISCOVER', 'OFFER', 'REQUEST', 'ACK', 'REQUEST(renew)', 'NAK', 'DISCOVER', 'OFFER', 'REQUEST', 'ACK']);
    assert.equal(client.dhcp4!.state, 'bound');
  });

  it('DHCPv4: with no server the client retries a bounded number of times, then fails', () => {
    const { world, vm } = lan('dhcp4-none');
    const client = vm('client', 10, 'dhcp');
    client.start();
    world.sim.run();
    assert.equal(client.dhcp4!.state, 'failed');
    assert.equal(client.ipv4Address, undefined);
    // 4 DISCOVERs per attempt, 1 + 3 attempts.
    assert.equal(client.stats.sent, 16);
  });

  it('DHCPv6: solicit/advertise/request/reply binds an address; renews at T1; the address answers ping', () => {
    const { world, vm, rawNic } = lan('dhcp6');
    const log: string[] = [];
    dhcp6Server(rawNic('server6', 1), log);
    const client = vm('client', 10, undefined, 'dhcp');
    const peer = vm('peer', 11, undefined, { address: 'fd00::200' });
    client.start();
    world.sim.runFor(1_000);
    assert.deepEqual(log, ['SOLICIT', 'REQUEST']);
    assert.equal(client.ipv6Address, 'fd00::100');
    let ping: PingResult | undefined;
    peer.ping('fd00::100', { count: 2, intervalMs: 100 }, (r) => (ping = r));
    world.sim.runFor(1_000);
    assert.equal(ping!.received, 2);
    world.sim.runFor(20_000); // T1 = 40 s / 2 = 20 s
    assert.deepEqual(log, ['SOLICIT', 'REQUEST', 'RENEW']);
    assert.equal(client.dhcp6!.state, 'bound');
  });
});
