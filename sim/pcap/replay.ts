// Replaying recorded frames into a Nic, at the recorded pace (virtual time) or as fast as possible, with
// each frame's fate reported through a pluggable FateSource: the vswitch reports which table and flow
// dropped or output a packet; a plain segment (segment-fates.ts) reports the NICs it reached or the fault
// that dropped it.
import type { Clock, TimerHandle } from '../../core/runtime/clock';
import type { Nic } from '../../core/runtime/datagram';
import type { PcapRecord } from '../../core/packet/pcap';
import { assert } from '../../core/util/assert';

/** Where a packet ended up. Both lists may be non-empty (e.g. a flood reached some ports, lost to others). */
export interface PacketFate {
  /** Names of what it reached: NICs, VIFs, logical or OpenFlow ports. */
  readonly delivered: readonly string[];
  /** Who dropped a copy and why: `by` names the table/flow or the fault, `detail` says more. */
  readonly dropped: readonly { readonly by: string; readonly detail?: string }[];
}

/** Supplies fates: it runs `send` (so it can observe exactly what that send causes) and reports later. */
export interface FateSource {
  track(index: number, frame: Uint8Array, send: () => void, report: (fate: PacketFate) => void): void;
}

export interface ReplayOptions {
  /** 'recorded' keeps the gaps between records (in virtual time); 'fast' sends one frame per timer tick of 0 ms. */
  readonly pace: 'recorded' | 'fast';
  /** Multiplies recorded gaps (2 = half speed); only with pace 'recorded'. */
  readonly timeScale?: number;
  readonly fates?: FateSource;
  readonly onFate?: (index: number, record: PcapRecord, fate: PacketFate) => void;
  /** Called after the last frame was sent. */
  readonly onDone?: (sent: number) => void;
}

/** Bound on frames replayed in one run (as for files decoded). */
export const maxReplayRecordsCount = 1_000_000;

/** Starts replaying `records` into `nic`; returns a handle that stops the replay. */
export function replay(records: readonly PcapRecord[], nic: Nic, clock: Clock, options: ReplayOptions): { stop(): void } {
  assert(records.length <= maxReplayRecordsCount, () => `replay of ${records.length} records exceeds ${maxReplayRecordsCount}`);
  const scale = options.timeScale ?? 1;
  assert(scale > 0, () => `replay time scale ${scale} must be positive`);
  const firstMicros = records[0]?.timeMicros ?? 0;
  const startMs = clock.nowMs();
  let next = 0;
  let timer: TimerHandle | undefined;
  let stopped = false;
  const sendOne = (i: number): void => {
    const record = records[i]!;
    const frame = record.frame.slice();
    const send = (): void => nic.send(frame);
    if (options.fates) {
      options.fates.track(i, frame, send, (fate) => options.onFate?.(i, record, fate));
    } else {
      send();
    }
  };
  const step = (): void => {
    if (stopped) return;
    if (next >= records.length) return options.onDone?.(next);
    sendOne(next++);
    if (next >= records.length) return options.onDone?.(next);
    const dueMs = options.pace === 'fast' ? clock.nowMs() : startMs + ((records[next]!.timeMicros - firstMicros) / 1000) * scale;
    // Records out of time order (possible in merged files) are sent at once, keeping file order.
    timer = clock.setTimer(Math.max(0, dueMs - clock.nowMs()), step);
  };
  timer = clock.setTimer(0, step);
  return {
    stop: () => {
      stopped = true;
      timer?.cancel();
    },
  };
}
