// ICMP echo (ping) for a VM, over IPv4 or IPv6: send N echo requests at an interval and report which replies
// came back and their round-trip times in the VM's (virtual) clock.
import type { TimerHandle } from '../../core/runtime/clock';
import { icmp4Types } from '../../core/packet/icmp4';
import { icmp6Types } from '../../core/packet/icmp6';
import type { LayerSpec } from '../../core/packet/build';
import { assert } from '../../core/util/assert';
import type { IpPacketIn, VmNet } from './vm-net';

export const defaultPingIntervalMs = 1_000;
export const defaultPingTimeoutMs = 1_000;
/** Bound on echo requests in one ping run. */
export const maxPingCount = 10_000;
/** Bound on ping runs in flight on one VM. */
export const maxConcurrentPingsCount = 256;
const pingPayloadBytes = 56;

export interface PingOptions {
  count?: number;
  intervalMs?: number;
  /** How long to wait for the last reply after the last request. */
  timeoutMs?: number;
}

export interface PingResult {
  readonly target: string;
  readonly sent: number;
  readonly received: number;
  /** Round-trip time per sequence number (index = sequence - 1), null when no reply came. */
  readonly rttsMs: readonly (number | null)[];
  /** Send failures (e.g. the next hop did not answer ARP), in order. */
  readonly errors: readonly string[];
}

interface Run {
  target: string;
  identifier: number;
  count: number;
  sentAtMs: number[];
  rtts: (number | null)[];
  errors: string[];
  timer?: TimerHandle;
  done: (r: PingResult) => void;
}

export class Pinger {
  private readonly runs = new Map<number, Run>();
  private nextIdentifier: number;

  constructor(private readonly net: VmNet) {
    this.nextIdentifier = net.random.intBetween(1, 0xfff0);
  }

  ping(target: string, options: PingOptions, done: (r: PingResult) => void): void {
    const count = options.count ?? 1;
    assert(count >= 1 && count <= maxPingCount, () => `ping count ${count} is not in 1..${maxPingCount}`);
    assert(this.runs.size < maxConcurrentPingsCount, () => `${this.net.name}: more than ${maxConcurrentPingsCount} pings at once`);
    const identifier = this.allocateIdentifier();
    const run: Run = { target, identifier, count, sentAtMs: [], rtts: [], errors: [], done };
    this.runs.set(identifier, run);
    const interval = options.intervalMs ?? defaultPingIntervalMs;
    const timeout = options.timeoutMs ?? defaultPingTimeoutMs;
    const sendNext = (): void => {
      const sequence = run.sentAtMs.length + 1;
      run.sentAtMs.push(this.net.clock.nowMs());
      run.rtts.push(null);
      this.net.sendIp(target, [echoLayer(target, identifier, sequence)], (error) => run.errors.push(`seq ${sequence}: ${error}`));
      run.timer = this.net.clock.setTimer(sequence < count ? interval : timeout, () => (sequence < count ? sendNext() : this.finish(run)));
    };
    sendNext();
  }

  /** Offers an inbound packet; true when it was an echo reply for one of our runs. */
  handleReply(p: IpPacketIn): boolean {
    const echo = echoReplyOf(p);
    if (!echo) return false;
    const run = this.runs.get(echo.identifier);
    if (!run || run.target !== p.src) return false;
    const i = echo.sequence - 1;
    if (i < 0 || i >= run.sentAtMs.length || run.rtts[i] !== null) return true; // duplicate or stray: counted once
    run.rtts[i] = this.net.clock.nowMs() - run.sentAtMs[i]!;
    // All answered: finish now instead of waiting for the timeout.
    if (run.sentAtMs.length === run.count && run.rtts.every((r) => r !== null)) this.finish(run);
    return true;
  }

  private finish(run: Run): void {
    run.timer?.cancel();
    this.runs.delete(run.identifier);
    const received = run.rtts.filter((r) => r !== null).length;
    run.done({ target: run.target, sent: run.sentAtMs.length, received, rttsMs: run.rtts, errors: run.errors });
  }

  private allocateIdentifier(): number {
    for (let i = 0; i < maxConcurrentPingsCount + 1; i++) {
      const id = this.nextIdentifier;
      this.nextIdentifier = (this.nextIdentifier % 0xffff) + 1;
      if (!this.runs.has(id)) return id;
    }
    throw new Error('ping: no free identifier');
  }
}

function echoLayer(target: string, identifier: number, sequence: number): LayerSpec {
  return target.includes(':')
    ? { kind: 'icmp6', message: { kind: 'echo-request', identifier, sequence, data: new Uint8Array(pingPayloadBytes) } }
    : { kind: 'icmp4', type: icmp4Types.echoRequest, echo: { identifier, sequence }, body: new Uint8Array(pingPayloadBytes) };
}

function echoReplyOf(p: IpPacketIn): { identifier: number; sequence: number } | undefined {
  const l4 = p.l4;
  if (l4.kind === 'icmp4' && l4.type === icmp4Types.echoReply && l4.echo) return l4.echo;
  if (l4.kind === 'icmp6' && l4.type === icmp6Types.echoReply && l4.message.kind === 'echo') return l4.message;
  return undefined;
}
