// A simulated Ethernet segment (a learning switch with ideal ports) carrying whole frames between NICs of
// simulated hosts: the underlay that Geneve tunnels cross, or a point-to-point wire when it has two NICs.
// Faults per segment: latency distribution, loss, duplication, reordering, MTU; partitions between hosts
// apply too. Without reordering, frames from one NIC arrive in the order sent.

import type { Nic } from '../../core/runtime/datagram';
import type { Random } from '../../core/runtime/random';
import type { Simulator } from '../kernel/simulator';
import type { SimHost } from '../host/sim-host';
import type { PartitionTable } from './partitions';
import { defaultLatency, sampleLatencyMs, validateLatency, type LatencyModel } from './latency';
import { assert } from '../../core/util/assert';

export interface WireFaults {
  latency?: LatencyModel;
  lossProbability?: number;
  duplicateProbability?: number;
  /** Probability that a frame is delayed by up to reorderDelayMs more, so later frames may overtake it. */
  reorderProbability?: number;
  reorderDelayMs?: number;
}

export interface SegmentStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  tooBig: number;
  partitioned: number;
}

export const defaultMtu = 1500;
const ethernetHeaderBytes = 14;
const vlanTagBytes = 4;

class SimNic implements Nic {
  receiver: ((frame: Uint8Array) => void) | null = null;
  lastArrivalMs = 0;
  promiscuous = false;

  constructor(
    readonly segment: L2Segment,
    readonly host: SimHost,
    readonly name: string,
    readonly mac: Uint8Array,
    readonly mtu: number,
  ) {}

  send(frame: Uint8Array): void {
    this.segment.carry(this, frame.slice());
  }

  setReceiver(receive: (frame: Uint8Array) => void): void {
    this.receiver = receive;
  }
}

function macKey(bytes: Uint8Array, offset: number): string {
  let s = '';
  for (let i = offset; i < offset + 6; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s;
}

export class L2Segment {
  private readonly nics: SimNic[] = [];
  private readonly byMac = new Map<string, SimNic>();
  private readonly random: Random;
  private faults: Required<Omit<WireFaults, 'latency'>> & { latency: LatencyModel };
  readonly stats: SegmentStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0, tooBig: 0, partitioned: 0 };

  constructor(
    private readonly sim: Simulator,
    private readonly partitions: PartitionTable,
    readonly name: string,
    faults: WireFaults = {},
  ) {
    this.random = sim.random.fork(`segment-${name}`);
    this.faults = { latency: defaultLatency, lossProbability: 0, duplicateProbability: 0, reorderProbability: 0, reorderDelayMs: 1 };
    this.setFaults(faults);
  }

  /** Changes the segment's fault settings (unnamed settings keep their values). */
  setFaults(faults: WireFaults): void {
    const next = { ...this.faults, ...faults };
    validateLatency(next.latency);
    for (const [k, p] of [['loss', next.lossProbability], ['duplicate', next.duplicateProbability], ['reorder', next.reorderProbability]] as const) {
      assert(p >= 0 && p <= 1, () => `segment ${this.name}: ${k} probability ${p} is not in [0, 1]`);
    }
    this.faults = next;
  }

  /** Plugs a new NIC of `host` into this segment. */
  attach(host: SimHost, nicName: string, mac: Uint8Array, mtu = defaultMtu): Nic {
    assert(mac.length === 6, () => `NIC ${nicName}: MAC must be 6 bytes`);
    const key = macKey(mac, 0);
    assert(!this.byMac.has(key), () => `segment ${this.name}: MAC ${key} already attached`);
    const nic = new SimNic(this, host, nicName, mac, mtu);
    this.nics.push(nic);
    this.byMac.set(key, nic);
    // A crashed host's program is gone: its receiver with it (the NIC itself stays plugged in).
    host.addHooks({ crashed: () => (nic.receiver = null) });
    return nic;
  }

  /** Makes a NIC receive every frame on the segment (for capture). */
  setPromiscuous(nic: Nic, on: boolean): void {
    (nic as SimNic).promiscuous = on;
  }

  carry(from: SimNic, frame: Uint8Array): void {
    this.stats.sent++;
    if (frame.length < ethernetHeaderBytes) return this.drop('tooBig');
    const tagged = frame[12] === 0x81 && frame[13] === 0x00;
    if (frame.length - ethernetHeaderBytes - (tagged ? vlanTagBytes : 0) > from.mtu) return this.drop('tooBig');
    const broadcastOrMulticast = (frame[0]! & 1) === 1;
    const target = broadcastOrMulticast ? undefined : this.byMac.get(macKey(frame, 0));
    for (const nic of this.nics) {
      if (nic === from) continue;
      // Known unicast goes to its NIC (and to capturing NICs); broadcast, multicast and unknown unicast flood.
      if (target !== undefined && nic !== target && !nic.promiscuous) continue;
      this.deliverCopies(from, nic, frame);
    }
  }

  private deliverCopies(from: SimNic, to: SimNic, frame: Uint8Array): void {
    if (this.partitions.blocked(from.host.name, to.host.name)) return this.drop('partitioned');
    if (this.random.chance(this.faults.lossProbability)) return this.drop('lost');
    const copies = this.random.chance(this.faults.duplicateProbability) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      let arrival = this.sim.now + sampleLatencyMs(this.faults.latency, this.random);
      if (this.random.chance(this.faults.reorderProbability)) {
        this.stats.reordered++;
        arrival += this.random.next() * this.faults.reorderDelayMs;
      } else {
        arrival = Math.max(arrival, from.lastArrivalMs);
        from.lastArrivalMs = arrival;
      }
      const incarnation = to.host.incarnation;
      this.sim.scheduleAt(arrival, () =>
        to.host.runGuarded(incarnation, () => {
          if (!to.receiver) return;
          this.stats.delivered++;
          to.receiver(frame);
        }),
      );
    }
  }

  private drop(reason: 'tooBig' | 'lost' | 'partitioned'): void {
    this.stats[reason]++;
  }
}
