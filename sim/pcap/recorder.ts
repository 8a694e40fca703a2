// Recording frames to pcap with virtual timestamps: a PcapRecorder collects (time, frame) records; a
// recording Nic wraps any Nic and records both directions; a segment tap is a promiscuous observer plugged
// into an L2Segment. Encoding is pure (core/packet's encodePcap); writing files is adapters/pcap's job.
import type { Clock } from '../../core/runtime/clock';
import type { Nic } from '../../core/runtime/datagram';
import { encodePcap, maxPcapRecordsCount, pcapSnapLengthBytes, type PcapRecord } from '../../core/packet/pcap';
import { assert } from '../../core/util/assert';
import type { L2Segment } from '../net/l2-segment';
import type { SimWorld } from '../world';

export interface PcapRecorderStats {
  recorded: number;
  /** Records refused because the recorder was full (the file would exceed maxPcapRecordsCount). */
  overflowed: number;
}

export class PcapRecorder {
  private readonly recordList: PcapRecord[] = [];
  private readonly listeners: ((record: PcapRecord) => void)[] = [];
  readonly stats: PcapRecorderStats = { recorded: 0, overflowed: 0 };

  /** `clock` gives the timestamps: virtual time in the simulator (ms → µs in the file). */
  constructor(readonly name: string, private readonly clock: Clock, private readonly maxRecords = maxPcapRecordsCount) {
    assert(maxRecords > 0 && maxRecords <= maxPcapRecordsCount, () => `recorder ${name}: maxRecords ${maxRecords} not in 1..${maxPcapRecordsCount}`);
  }

  record(frame: Uint8Array): void {
    if (this.recordList.length >= this.maxRecords) {
      this.stats.overflowed++;
      return;
    }
    // Frames over the snap length are truncated, as a capture would be; originalLength keeps the truth.
    const kept = frame.length > pcapSnapLengthBytes ? frame.slice(0, pcapSnapLengthBytes) : frame.slice();
    const record = { timeMicros: Math.round(this.clock.nowMs() * 1000), frame: kept, originalLength: frame.length };
    this.recordList.push(record);
    this.stats.recorded++;
    for (const l of this.listeners) l(record);
  }

  /** Calls `listener` with every record as it is taken (e.g. to trace captured frames). */
  onRecord(listener: (record: PcapRecord) => void): void {
    this.listeners.push(listener);
  }

  get records(): readonly PcapRecord[] {
    return this.recordList;
  }

  /** The whole capture as pcap file bytes. */
  encode(): Uint8Array {
    return encodePcap(this.recordList);
  }
}

/** A Nic that records every frame sent through it and every frame it delivers to its receiver. */
export class RecordingNic implements Nic {
  constructor(private readonly inner: Nic, readonly recorder: PcapRecorder) {}

  get name(): string {
    return this.inner.name;
  }

  get mac(): Uint8Array {
    return this.inner.mac;
  }

  get mtu(): number {
    return this.inner.mtu;
  }

  send(frame: Uint8Array): void {
    this.recorder.record(frame);
    this.inner.send(frame);
  }

  setReceiver(receive: (frame: Uint8Array) => void): void {
    this.inner.setReceiver((frame) => {
      this.recorder.record(frame);
      receive(frame);
    });
  }
}

/** Locally administered MAC for tap NICs (one tap per segment; it never sends, so it is never learned). */
export const tapMac = new Uint8Array([0x02, 0x7a, 0x70, 0x00, 0x00, 0x01]);

/**
 * Plugs a promiscuous observer into `segment` on its own simulated host (named `tap-<segment>`) and
 * records everything delivered to it. Frames are timestamped when they reach the tap (after the segment's
 * latency), and the segment's loss applies to the tap as to any port, as with a real mirror port.
 */
export function tapSegment(world: SimWorld, segment: L2Segment, recorderName = `tap-${segment.name}`): PcapRecorder {
  const host = world.addHost(`tap-${segment.name}`);
  let recorder!: PcapRecorder;
  host.start((rt, h) => {
    const nic = segment.attach(h, 'tap0', tapMac);
    segment.setPromiscuous(nic, true);
    recorder = new PcapRecorder(recorderName, rt.clock);
    nic.setReceiver((frame) => recorder.record(frame));
  });
  return recorder;
}
