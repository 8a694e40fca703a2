// Shared set-up for the VM tests: a world with one L2 segment and VMs on it. (A .test.ts file so the purity
// rules for sim/ do not apply; it holds no tests itself.)
import { SimWorld } from '../world';
import type { WireFaults } from '../net/l2-segment';
import type { Nic } from '../../core/runtime/datagram';
import { VmHost, type Ipv4Config, type Ipv6Config } from './vm-host';

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
