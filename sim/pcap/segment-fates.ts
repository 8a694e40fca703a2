// Fates of frames sent onto a plain L2Segment: which watched NICs received each frame, and which faults of
// the segment (loss, partition, MTU) dropped copies of it. Drops are read from the segment's counters around
// the send (the segment decides them at send time); deliveries are seen by watching NICs, matched by bytes,
// until a settle time has passed.
import type { Clock } from '../../core/runtime/clock';
import type { Nic } from '../../core/runtime/datagram';
import { assert } from '../../core/util/assert';
import type { L2Segment, SegmentStats } from '../net/l2-segment';
import type { FateSource, PacketFate } from './replay';

/** How long after a send deliveries are still attributed to it (longer than the segment's latency). */
export const defaultFateSettleMs = 100;
/** Bound on frames whose fate is pending at once. */
export const maxPendingFatesCount = 100_000;

const dropCounters: readonly (keyof SegmentStats)[] = ['lost', 'partitioned', 'tooBig'];

interface Pending {
  readonly frame: Uint8Array;
  readonly delivered: string[];
}

export class SegmentFates implements FateSource {
  private readonly pending = new Set<Pending>();

  constructor(private readonly segment: L2Segment, private readonly clock: Clock, private readonly settleMs = defaultFateSettleMs) {}

  /** Wraps a NIC plugged into the segment so frames it receives count as delivered to `nic.name`. */
  watch(nic: Nic, label = nic.name): Nic {
    const pending = this.pending;
    return {
      name: nic.name, mac: nic.mac, mtu: nic.mtu,
      send: (frame) => nic.send(frame),
      setReceiver: (receive) =>
        nic.setReceiver((frame) => {
          // The oldest pending send of these bytes not yet seen here (replaying equal frames back to back).
          for (const p of pending) {
            if (!p.delivered.includes(label) && sameBytes(p.frame, frame)) {
              p.delivered.push(label);
              break;
            }
          }
          receive(frame);
        }),
    };
  }

  track(_index: number, frame: Uint8Array, send: () => void, report: (fate: PacketFate) => void): void {
    assert(this.pending.size < maxPendingFatesCount, () => `more than ${maxPendingFatesCount} fates pending`);
    const before = dropCounters.map((k) => this.segment.stats[k]);
    const p: Pending = { frame, delivered: [] };
    this.pending.add(p);
    send();
    const dropped = dropCounters.flatMap((k, i) => {
      const n = this.segment.stats[k] - before[i]!;
      return n > 0 ? [{ by: `segment ${this.segment.name}: ${k}`, detail: `${n} cop${n === 1 ? 'y' : 'ies'}` }] : [];
    });
    this.clock.setTimer(this.settleMs, () => {
      this.pending.delete(p);
      report({ delivered: [...p.delivered].sort(), dropped });
    });
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
