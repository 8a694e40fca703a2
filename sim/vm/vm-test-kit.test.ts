// Shared set-up for the VM tests: a world with one L2 segment and VMs on it. (A .test.ts file so the purity
// rules for sim/ do not apply; it holds no tests itself.)
import { SimWorld } from '../world';
import type { WireFaults } from '../net/l2-segment';
import type { Nic } from '../../core/runtime/datagram';
import { VmHost, type Ipv4Config, type Ipv6Config } from './vm-host';
import { dhcp4MessageTypes, readDhcp4 } from '../../core/packet/dhcp4';
import { dhcp4Reply } from '../../core/packet/responder-recipes';

export function mac(n: number): Uint8Array {
  return new Uint8Array([0x02, 0, 0, 0, 0, n]);
}

export interface Lan {
  world: SimWorld;
  vm(name: string, n: number, ipv4?: Ipv4Config, ipv6?: Ipv6Config): VmHost;
  rawNic(name: string, n: number): Nic;
}

export function lan(seed: string, faults: WireFaults = {}): Lan {
  const world = new SimWorld({ seed });
  const seg = world.addSegment('lan', faults);
  return {
    world,
    vm(name, n, ipv4, ipv6) {
      let vm!: VmHost;
      world.spawn(name, (rt, host) => {
        const nic = seg.attach(host, 'eth0', mac(n));
        vm = new VmHost({
          name, nic, clock: rt.clock, random: rt.random.fork('vm'),
          ...(ipv4 ? { ipv4 } : {}), ...(ipv6 ? { ipv6 } : {}),
          log: (line) => rt.log('info', 'vm', line),
        });
      });
      return vm;
    },
    rawNic(name, n) {
      let nic!: Nic;
      world.spawn(name, (_rt, host) => (nic = seg.attach(host, 'eth0', mac(n))));
      return nic;
    },
  };
}

/** A tiny DHCPv4 server: a VM bound to UDP 67 that offers 10.0.0.100+n and answers with core's dhcp4Reply. */
export function dhcp4Server(server: VmHost, leaseSeconds: number, log: string[], nakRenewals = false): void {
  let next = 100;
  const leases = new Map<string, number>();
  server.udp.bind(67, (d) => {
    const m = readDhcp4(d.data);
    const key = [...m.chaddr].join(':');
    const type = m.messageType;
    log.push(`${type === dhcp4MessageTypes.discover ? 'DISCOVER' : m.ciaddr ? 'REQUEST(renew)' : 'REQUEST'}`);
    if (type === dhcp4MessageTypes.discover) {
      if (!leases.has(key)) leases.set(key, next++);
      send(dhcp4MessageTypes.offer);
    } else if (type === dhcp4MessageTypes.request) {
      send(m.ciaddr && nakRenewals ? dhcp4MessageTypes.nak : dhcp4MessageTypes.ack);
    }
    function send(messageType: number): void {
      log.push(messageType === dhcp4MessageTypes.offer ? 'OFFER' : messageType === dhcp4MessageTypes.ack ? 'ACK' : 'NAK');
      server.sendFrame(dhcp4Reply({
        serverMac: server.mac, serverIp: server.ipv4Address!, clientMac: m.chaddr, xid: m.xid, messageType,
        yiaddr: `10.0.0.${leases.get(key)!}`, leaseTimeSeconds: leaseSeconds, subnetMask: '255.255.255.0',
        router: '10.0.0.1', dnsServers: ['10.0.0.53'], mtu: 1442,
      }));
    }
  });
}
