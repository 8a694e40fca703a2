// A minimal TCP for probes: the three-way handshake, one request segment, one response segment, and the
// FIN exchange; RST for segments to closed ports. Stop-and-wait: each side has at most one unacknowledged
// segment, retransmitted on a timer a bounded number of times. Enough to see a TCP flow cross a data plane
// (conntrack states, ACLs) — not a general transport: no windows, no reassembly of multi-segment requests.
import type { TimerHandle } from '../../core/runtime/clock';
import { tcpFlags } from '../../core/packet/tcp';
import { assert } from '../../core/util/assert';
import { drawEphemeralPort, type IpPacketIn, type VmNet } from './vm-net';

export const tcpRetransmitIntervalMs = 200;
/** Retransmissions of one segment before the connection is given up. */
export const maxTcpRetransmitsCount = 5;
/** A request or response must fit one segment. */
export const maxTcpPayloadBytes = 1_400;
/** How long a closed connection still answers a retransmitted FIN (a short TIME-WAIT). */
export const tcpTimeWaitMs = 1_000;
/** Bound on connections open on one VM. */
export const maxTcpConnectionsCount = 4_096;

export type TcpRequestHandler = (request: Uint8Array, from: { src: string; srcPort: number }) => Uint8Array;

export interface TcpProbeResult {
  readonly ok: boolean;
  readonly response?: Uint8Array;
  /** From SYN sent to the last ACK of the close, in virtual time. */
  readonly elapsedMs?: number;
  readonly error?: string;
}

type State = 'syn-sent' | 'syn-received' | 'established' | 'time-wait';

interface Segment {
  flags: number;
  seq: number;
  data: Uint8Array;
}

interface Conn {
  readonly role: 'client' | 'server';
  readonly key: string;
  readonly remote: string;
  readonly remotePort: number;
  readonly localPort: number;
  state: State;
  sndNxt: number;
  rcvNxt: number;
  outstanding?: Segment & { retransmits: number; timer: TimerHandle };
  /** Client: the request to send; server: the request received. */
  request?: Uint8Array;
  requestSent: boolean;
  response: Uint8Array[];
  responded: boolean;
  finSent: boolean;
  finAcked: boolean;
  peerFin: boolean;
  startMs: number;
  done?: (r: TcpProbeResult) => void;
  timeWait?: TimerHandle;
}

const u32 = (x: number): number => x >>> 0;

export class TcpLite {
  private readonly listeners = new Map<number, TcpRequestHandler>();
  private readonly conns = new Map<string, Conn>();
  /** RSTs sent for segments to closed ports or unknown connections. */
  resetsSent = 0;

  constructor(private readonly net: VmNet) {}

  /** Serves `port`: each request segment is answered by `handler`'s bytes, then the server closes. */
  listen(port: number, handler: TcpRequestHandler): void {
    assert(!this.listeners.has(port), () => `${this.net.name}: TCP port ${port} already listening`);
    this.listeners.set(port, handler);
  }

  /** Connects to dst:port, sends `request`, reads the response until the server closes, and closes. */
  request(dst: string, port: number, request: Uint8Array, done: (r: TcpProbeResult) => void): void {
    assert(request.length <= maxTcpPayloadBytes, () => `TCP request of ${request.length} bytes exceeds ${maxTcpPayloadBytes}`);
    assert(this.conns.size < maxTcpConnectionsCount, () => `${this.net.name}: more than ${maxTcpConnectionsCount} TCP connections`);
    const localPort = drawEphemeralPort(this.net.random, (p) => this.listeners.has(p) || this.conns.has(keyOf(dst, port, p)), `${this.net.name} TCP`);
    const iss = this.net.random.int(2 ** 32);
    const conn = this.newConn('client', dst, port, localPort, 'syn-sent', u32(iss + 1), 0);
    conn.request = request;
    conn.done = done;
    this.transmit(conn, { flags: tcpFlags.syn, seq: iss, data: new Uint8Array(0) }, true);
  }

  /** Offers an inbound packet; true when it was TCP. */
  handle(p: IpPacketIn): boolean {
    if (p.l4.kind !== 'tcp') return false;
    const t = p.l4;
    const conn = this.conns.get(keyOf(p.src, t.srcPort, t.dstPort));
    if (conn) {
      this.onSegment(conn, t.flags, t.seq, t.ack, t.payload);
      return true;
    }
    const handler = this.listeners.get(t.dstPort);
    if (handler && t.flags & tcpFlags.syn && !(t.flags & tcpFlags.ack) && this.conns.size < maxTcpConnectionsCount) {
      const iss = this.net.random.int(2 ** 32);
      const c = this.newConn('server', p.src, t.srcPort, t.dstPort, 'syn-received', u32(iss + 1), u32(t.seq + 1));
      this.transmit(c, { flags: tcpFlags.syn | tcpFlags.ack, seq: iss, data: new Uint8Array(0) }, true);
      return true;
    }
    if (t.flags & tcpFlags.rst) return true; // never answer a RST with a RST
    // RFC 793 "reset generation": closed port or no such connection.
    this.resetsSent++;
    const segLen = t.payload.length + (t.flags & tcpFlags.syn ? 1 : 0) + (t.flags & tcpFlags.fin ? 1 : 0);
    const rst = t.flags & tcpFlags.ack
      ? { flags: tcpFlags.rst, seq: t.ack, ack: 0 }
      : { flags: tcpFlags.rst | tcpFlags.ack, seq: 0, ack: u32(t.seq + segLen) };
    this.net.sendIp(p.src, [{ kind: 'tcp', srcPort: t.dstPort, dstPort: t.srcPort, ...rst }], () => {});
    return true;
  }

  private newConn(role: 'client' | 'server', remote: string, remotePort: number, localPort: number, state: State, sndNxt: number, rcvNxt: number): Conn {
    const conn: Conn = {
      role, key: keyOf(remote, remotePort, localPort), remote, remotePort, localPort, state, sndNxt, rcvNxt,
      requestSent: false, response: [], responded: false, finSent: false, finAcked: false, peerFin: false,
      startMs: this.net.clock.nowMs(),
    };
    this.conns.set(conn.key, conn);
    return conn;
  }

  private onSegment(c: Conn, flags: number, seq: number, ack: number, payload: Uint8Array): void {
    if (flags & tcpFlags.rst) return this.abort(c, `connection reset by ${c.remote}:${c.remotePort}`);
    if (c.state === 'syn-sent') {
      if ((flags & (tcpFlags.syn | tcpFlags.ack)) !== (tcpFlags.syn | tcpFlags.ack) || ack !== c.sndNxt) return;
      c.rcvNxt = u32(seq + 1);
      c.state = 'established';
      this.clearOutstanding(c);
    }
    if (flags & tcpFlags.ack && ack === c.sndNxt && c.outstanding) {
      if (c.outstanding.flags & tcpFlags.fin) c.finAcked = true;
      this.clearOutstanding(c);
      if (c.state === 'syn-received') c.state = 'established';
    }
    let mustAck = false;
    if (payload.length > 0 || flags & tcpFlags.fin) {
      if (seq === c.rcvNxt && !c.peerFin) {
        if (payload.length > 0) {
          if (c.role === 'server') c.request = payload;
          else c.response.push(payload);
        }
        c.rcvNxt = u32(c.rcvNxt + payload.length + (flags & tcpFlags.fin ? 1 : 0));
        if (flags & tcpFlags.fin) c.peerFin = true;
      }
      mustAck = true; // in order, duplicate or out of window: (re-)acknowledge what we have
    }
    this.advance(c, mustAck);
  }

  /** Takes the next step of the probe protocol that the connection's state allows. */
  private advance(c: Conn, mustAck: boolean): void {
    if (c.state === 'time-wait') {
      if (mustAck) this.sendBare(c, tcpFlags.ack);
      return;
    }
    if (c.state !== 'established') return;
    if (c.outstanding) {
      if (mustAck) this.sendBare(c, tcpFlags.ack);
      return;
    }
    if (c.role === 'client' && !c.requestSent) {
      c.requestSent = true;
      return this.transmit(c, { flags: tcpFlags.psh | tcpFlags.ack, seq: c.sndNxt, data: c.request! }, false);
    }
    if (c.role === 'server' && c.request && !c.responded) {
      c.responded = true;
      const response = this.listeners.get(c.localPort)!(c.request, { src: c.remote, srcPort: c.remotePort });
      assert(response.length <= maxTcpPayloadBytes, () => `TCP response of ${response.length} bytes exceeds ${maxTcpPayloadBytes}`);
      c.finSent = true;
      return this.transmit(c, { flags: tcpFlags.psh | tcpFlags.fin | tcpFlags.ack, seq: c.sndNxt, data: response }, false);
    }
    if (c.peerFin && !c.finSent) {
      c.finSent = true;
      return this.transmit(c, { flags: tcpFlags.fin | tcpFlags.ack, seq: c.sndNxt, data: new Uint8Array(0) }, false);
    }
    if (mustAck) this.sendBare(c, tcpFlags.ack);
    if (c.finAcked && c.peerFin) this.close(c);
  }

  private close(c: Conn): void {
    const response = concat(c.response);
    c.done?.({ ok: true, response, elapsedMs: this.net.clock.nowMs() - c.startMs });
    delete c.done;
    c.state = 'time-wait';
    c.timeWait = this.net.clock.setTimer(tcpTimeWaitMs, () => this.conns.delete(c.key));
  }

  private abort(c: Conn, error: string): void {
    this.clearOutstanding(c);
    c.timeWait?.cancel();
    this.conns.delete(c.key);
    c.done?.({ ok: false, error });
    delete c.done;
  }

  /** Sends a segment that occupies sequence space and keeps it for retransmission until acknowledged. */
  private transmit(c: Conn, s: Segment, isSyn: boolean): void {
    assert(!c.outstanding, () => `TCP ${c.key}: a segment is already outstanding`);
    const length = s.data.length + (s.flags & (tcpFlags.syn | tcpFlags.fin) ? 1 : 0);
    if (!isSyn) c.sndNxt = u32(c.sndNxt + length);
    const send = (): void => this.emit(c, s.flags, s.seq, s.data);
    const arm = (retransmits: number): TimerHandle =>
      this.net.clock.setTimer(tcpRetransmitIntervalMs, () => {
        if (!c.outstanding) return;
        if (retransmits >= maxTcpRetransmitsCount) {
          return this.abort(c, `no answer from ${c.remote}:${c.remotePort} after ${retransmits} retransmissions`);
        }
        send();
        c.outstanding.retransmits = retransmits + 1;
        c.outstanding.timer = arm(retransmits + 1);
      });
    c.outstanding = { ...s, retransmits: 0, timer: arm(0) };
    send();
  }

  private clearOutstanding(c: Conn): void {
    c.outstanding?.timer.cancel();
    delete c.outstanding;
  }

  private sendBare(c: Conn, flags: number): void {
    this.emit(c, flags, c.sndNxt, new Uint8Array(0));
  }

  private emit(c: Conn, flags: number, seq: number, data: Uint8Array): void {
    const ack = flags & tcpFlags.ack ? c.rcvNxt : 0;
    this.net.sendIp(
      c.remote,
      [{ kind: 'tcp', srcPort: c.localPort, dstPort: c.remotePort, flags, seq, ack }, { kind: 'raw', bytes: data }],
      (error) => this.abort(c, error),
    );
  }
}

function keyOf(remote: string, remotePort: number, localPort: number): string {
  return `${remote}|${remotePort}|${localPort}`;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
