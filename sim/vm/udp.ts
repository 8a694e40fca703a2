// UDP for a VM: port bindings, an echo service (answers each datagram with the same bytes) and a
// request/response probe client that reports the answer and its round-trip time in virtual time.
import type { TimerHandle } from '../../core/runtime/clock';
import { assert } from '../../core/util/assert';
import { drawEphemeralPort, type IpPacketIn, type VmNet } from './vm-net';

export const defaultUdpProbeTimeoutMs = 1_000;
/** Bound on UDP ports bound on one VM. */
export const maxUdpBindingsCount = 4_096;

export type UdpHandler = (datagram: { src: string; srcPort: number; dst: string; dstPort: number; data: Uint8Array; frame: Uint8Array }) => void;

export interface UdpProbeResult {
  readonly ok: boolean;
  readonly response?: Uint8Array;
  readonly rttMs?: number;
  readonly error?: string;
}

export class UdpSockets {
  private readonly bindings = new Map<number, UdpHandler>();
  /** Datagrams that arrived for an unbound port (a real host would answer ICMP port unreachable). */
  unboundDrops = 0;

  constructor(private readonly net: VmNet) {}

  bind(port: number, handler: UdpHandler): void {
    assert(port > 0 && port < 65536, () => `UDP port ${port} out of range`);
    assert(!this.bindings.has(port), () => `${this.net.name}: UDP port ${port} already bound`);
    assert(this.bindings.size < maxUdpBindingsCount, () => `${this.net.name}: more than ${maxUdpBindingsCount} UDP bindings`);
    this.bindings.set(port, handler);
  }

  unbind(port: number): void {
    this.bindings.delete(port);
  }

  isBound(port: number): boolean {
    return this.bindings.has(port);
  }

  send(dst: string, srcPort: number, dstPort: number, data: Uint8Array, failed: (error: string) => void = () => {}): void {
    this.net.sendIp(dst, [{ kind: 'udp', srcPort, dstPort }, { kind: 'raw', bytes: data }], failed);
  }

  /** Answers every datagram on `port` with the same bytes, back to its sender. */
  serveEcho(port: number): void {
    this.bind(port, (d) => this.send(d.src, d.dstPort, d.srcPort, d.data));
  }

  /** Sends `data` to dst:port from an ephemeral port and reports the first answer, or a timeout. */
  probe(dst: string, port: number, data: Uint8Array, done: (r: UdpProbeResult) => void, timeoutMs = defaultUdpProbeTimeoutMs): void {
    const srcPort = drawEphemeralPort(this.net.random, (p) => this.bindings.has(p), `${this.net.name} UDP probe`);
    const startMs = this.net.clock.nowMs();
    let timer: TimerHandle | undefined;
    const finish = (r: UdpProbeResult): void => {
      timer?.cancel();
      this.unbind(srcPort);
      done(r);
    };
    this.bind(srcPort, (d) => {
      if (d.src !== dst || d.srcPort !== port) return;
      finish({ ok: true, response: d.data, rttMs: this.net.clock.nowMs() - startMs });
    });
    timer = this.net.clock.setTimer(timeoutMs, () => finish({ ok: false, error: `no UDP answer from ${dst}:${port} in ${timeoutMs} ms` }));
    this.send(dst, srcPort, port, data, (error) => finish({ ok: false, error }));
  }

  /** Offers an inbound packet; true when it was UDP (delivered or counted as dropped). */
  handle(p: IpPacketIn): boolean {
    if (p.l4.kind !== 'udp') return false;
    const h = this.bindings.get(p.l4.dstPort);
    if (!h) {
      this.unboundDrops++;
      return true;
    }
    h({ src: p.src, srcPort: p.l4.srcPort, dst: p.dst, dstPort: p.l4.dstPort, data: p.l4.payload, frame: p.frame });
    return true;
  }
}
