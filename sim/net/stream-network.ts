// The simulated stream network (the simulator's TCP and unix sockets). Implements core/runtime Transport per
// host. Guarantees what transport.ts promises, and models faults:
// - latency drawn per segment from the network's LatencyModel; order kept per direction;
// - a partition holds segments (as TCP retransmits) and releases them when it heals; a connection cut for
//   longer than `partitionResetMs` is reset on both ends;
// - a crashed host's connections vanish on its side and are reset on the peer's; its listeners close;
// - connecting across a partition or to a down host times out; to a port nobody listens on is refused;
// - optional chunking splits data into pieces, so receivers are tested on arbitrary boundaries.

import type { ConnectCallbacks, ListenCallbacks, Listener, PendingConnect, Transport } from '../../core/runtime/transport';
import { formatPassiveAddress, parseActiveAddress, parsePassiveAddress } from '../../core/runtime/address';
import type { Simulator } from '../kernel/simulator';
import type { SimHost } from '../host/sim-host';
import type { Random } from '../../core/runtime/random';
import { PartitionTable } from './partitions';
import { defaultLatency, sampleLatencyMs, validateLatency, type LatencyModel } from './latency';
import { SimConnection, type InFlight, type Segment, type SegmentCarrier } from './sim-connection';
import { assert } from '../../core/util/assert';

export interface StreamNetworkOptions {
  latency?: LatencyModel;
  /** A connection cut by a partition for this long is reset on both ends (like TCP's retransmit timeout). */
  partitionResetMs?: number;
  /** A connect that gets no answer (partition, host down) fails after this long. */
  connectTimeoutMs?: number;
  /** Probability that a data segment is split into several pieces, for up to maxChunkPieces pieces. */
  chunkSplitProbability?: number;
  maxChunkPieces?: number;
  /** Record every connect/accept/close in the trace (off for benchmarks). */
  traceConnections?: boolean;
  /** Record every delivered data segment in the trace (for small runs that want the finest determinism check). */
  traceDeliveries?: boolean;
}

export const firstEphemeralPort = 32768;

function reportListenFailure(callbacks: ListenCallbacks, err: Error): void {
  if (callbacks.failed) callbacks.failed(err);
  else throw err; // transport.ts: never silent
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip === 'localhost';
}

interface ListenerRecord {
  readonly host: SimHost;
  readonly incarnation: number;
  readonly callbacks: ListenCallbacks;
  readonly bindIp: string;
  readonly key: string;
  closed: boolean;
}

interface HostNet {
  listeners: Map<string, ListenerRecord>; // "unix:PATH" or "tcp:PORT"
  endpoints: Set<SimConnection>;
  nextPort: number;
}

export interface StreamNetworkStats {
  segmentsDelivered: number;
  bytesDelivered: number;
  connectionsOpened: number;
  resets: number;
}

export class StreamNetwork implements SegmentCarrier {
  private readonly hostsByIp = new Map<string, SimHost>();
  private readonly nets = new Map<SimHost, HostNet>();
  private readonly random: Random;
  private readonly latency: LatencyModel;
  private readonly options: Required<Omit<StreamNetworkOptions, 'latency'>>;
  /** Connections whose both ends are not yet closed (for partition handling). */
  private readonly live = new Set<SimConnection>(); // one entry per connection: its client end
  readonly stats: StreamNetworkStats = { segmentsDelivered: 0, bytesDelivered: 0, connectionsOpened: 0, resets: 0 };

  constructor(
    private readonly sim: Simulator,
    readonly partitions: PartitionTable,
    options: StreamNetworkOptions = {},
  ) {
    this.random = sim.random.fork('stream-network');
    this.latency = validateLatency(options.latency ?? defaultLatency);
    this.options = {
      partitionResetMs: options.partitionResetMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      chunkSplitProbability: options.chunkSplitProbability ?? 0,
      maxChunkPieces: options.maxChunkPieces ?? 4,
      traceConnections: options.traceConnections ?? true,
      traceDeliveries: options.traceDeliveries ?? false,
    };
    partitions.onChange(() => this.partitionsChanged());
  }

  addHost(host: SimHost): void {
    assert(!this.nets.has(host), () => `host ${host.name} already on the stream network`);
    for (const ip of host.ips) {
      assert(!this.hostsByIp.has(ip), () => `IP ${ip} of ${host.name} already belongs to ${this.hostsByIp.get(ip)!.name}`);
      this.hostsByIp.set(ip, host);
    }
    this.nets.set(host, { listeners: new Map(), endpoints: new Set(), nextPort: firstEphemeralPort });
    host.addHooks({ crashed: (h) => this.hostCrashed(h) });
  }

  /** The Transport that programs on `host` use. */
  transportFor(host: SimHost): Transport {
    return {
      listen: (address, callbacks) => this.listen(host, address, callbacks),
      connect: (address, callbacks) => this.connect(host, address, callbacks),
    };
  }

  // ---- Transport ---------------------------------------------------------------------------------------

  private listen(host: SimHost, address: string, callbacks: ListenCallbacks): Listener {
    const net = this.netOf(host);
    const incarnation = host.incarnation;
    let parsed;
    try {
      parsed = parsePassiveAddress(address);
    } catch (err) {
      host.scheduleGuarded(0, () => reportListenFailure(callbacks, err as Error));
      return { address, close: () => {} };
    }
    if (parsed.kind === 'ptcp' && parsed.port === 0) parsed = { ...parsed, port: net.nextPort++ };
    const key = parsed.kind === 'punix' ? `unix:${parsed.path}` : `tcp:${parsed.port}`;
    const bound = formatPassiveAddress(parsed);
    if (parsed.kind === 'ptcp' && parsed.host !== '0.0.0.0' && parsed.host !== '::' && !isLoopback(parsed.host) && !host.ips.includes(parsed.host)) {
      const err = new Error(`listen ${address}: ${parsed.host} is not an address of host ${host.name}`);
      host.scheduleGuarded(0, () => reportListenFailure(callbacks, err));
      return { address: bound, close: () => {} };
    }
    if (net.listeners.has(key)) {
      const err = new Error(`listen ${address}: address already in use on host ${host.name}`);
      host.scheduleGuarded(0, () => reportListenFailure(callbacks, err));
      return { address: bound, close: () => {} };
    }
    const record: ListenerRecord = {
      host, incarnation, callbacks, key, closed: false,
      bindIp: parsed.kind === 'ptcp' ? parsed.host : '',
    };
    net.listeners.set(key, record);
    host.scheduleGuarded(0, () => callbacks.listening?.(bound));
    return {
      address: bound,
      close: () => {
        record.closed = true;
        if (net.listeners.get(key) === record) net.listeners.delete(key);
      },
    };
  }

  private connect(host: SimHost, address: string, callbacks: ConnectCallbacks): PendingConnect {
    let cancelled = false;
    const fail = (delayMs: number, message: string) =>
      host.scheduleGuarded(delayMs, () => !cancelled && callbacks.failed(new Error(`connect ${address}: ${message}`)));
    let target: SimHost | undefined;
    let key: string;
    let bindIp = '';
    try {
      const parsed = parseActiveAddress(address);
      if (parsed.kind === 'unix') {
        target = host;
        key = `unix:${parsed.path}`;
      } else {
        if (parsed.tls) throw new Error('ssl is not supported by the simulator');
        // Loopback reaches the connecting host itself, as on a real machine.
        target = isLoopback(parsed.host) ? host : this.hostsByIp.get(parsed.host);
        key = `tcp:${parsed.port}`;
        bindIp = parsed.host;
      }
    } catch (err) {
      fail(0, (err as Error).message);
      return { cancel: () => (cancelled = true) };
    }
    if (!target) {
      fail(this.options.connectTimeoutMs, 'no route to host (no simulated host has that IP)');
      return { cancel: () => (cancelled = true) };
    }
    const srcIncarnation = host.incarnation;
    const synDelay = sampleLatencyMs(this.latency, this.random);
    const dst = target;
    this.sim.schedule(synDelay, () => {
      if (cancelled || host.incarnation !== srcIncarnation) return;
      const unreachable =
        dst.state === 'down' || this.partitions.blocked(host.name, dst.name) || this.partitions.blocked(dst.name, host.name);
      if (unreachable) {
        fail(Math.max(0, this.options.connectTimeoutMs - synDelay), 'connection timed out');
        return;
      }
      const listener = this.netOf(dst).listeners.get(key);
      const acceptable =
        listener && !listener.closed && listener.incarnation === dst.incarnation &&
        (listener.bindIp === '' || listener.bindIp === '0.0.0.0' || listener.bindIp === '::' || listener.bindIp === bindIp ||
          (dst === host && isLoopback(bindIp) && isLoopback(listener.bindIp)));
      if (!acceptable) {
        fail(sampleLatencyMs(this.latency, this.random), 'connection refused');
        return;
      }
      const [client, server] = this.openPair(host, srcIncarnation, dst, address, key);
      dst.runGuarded(listener.incarnation, () => listener.callbacks.accepted(server));
      const synAckDelay = sampleLatencyMs(this.latency, this.random);
      host.scheduleGuarded(synAckDelay, () => {
        if (cancelled) {
          client.close();
          return;
        }
        callbacks.connected(client);
      });
    });
    return { cancel: () => (cancelled = true) };
  }

  private openPair(src: SimHost, srcIncarnation: number, dst: SimHost, address: string, key: string): [SimConnection, SimConnection] {
    const srcNet = this.netOf(src);
    const port = srcNet.nextPort++;
    const srcIp = src.ips[0] ?? src.name;
    const clientName = `${address}<-${src.name}:${port}`;
    const client = new SimConnection(this, src, srcIncarnation, clientName, address);
    const serverRemote = key.startsWith('unix:') ? key : `tcp:${srcIp}:${port}`;
    const server = new SimConnection(this, dst, dst.incarnation, `${key}@${dst.name}<-${src.name}:${port}`, serverRemote);
    client.peer = server;
    server.peer = client;
    client.lastArrivalMs = server.lastArrivalMs = this.sim.now;
    srcNet.endpoints.add(client);
    this.netOf(dst).endpoints.add(server);
    this.live.add(client);
    this.stats.connectionsOpened++;
    if (this.options.traceConnections) this.sim.record('net', `open ${client.name}`);
    return [client, server];
  }

  // ---- segments ----------------------------------------------------------------------------------------

  transmit(from: SimConnection, segment: Segment): void {
    const item: InFlight = { seq: from.nextSendSeq++, segment };
    if (this.partitions.blocked(from.host.name, from.peer.host.name)) from.held.push(item);
    else this.schedule(from, item);
  }

  endpointClosed(endpoint: SimConnection): void {
    this.nets.get(endpoint.host)?.endpoints.delete(endpoint);
    // Both ends closed: nothing left to hold or reset (in-flight segments still arrive by their events).
    if (!endpoint.peer.isOpen && endpoint.held.length === 0 && endpoint.peer.held.length === 0) {
      this.live.delete(endpoint);
      this.live.delete(endpoint.peer);
    }
  }

  private schedule(from: SimConnection, item: InFlight): void {
    const arrival = Math.max(this.sim.now + sampleLatencyMs(this.latency, this.random), from.lastArrivalMs);
    from.lastArrivalMs = arrival;
    const segment = item.segment;
    if (segment.kind === 'data' && segment.bytes.length > 1 && this.random.chance(this.options.chunkSplitProbability)) {
      // Same sequence number, handed to the receiver as several data callbacks.
      const split: InFlight = { seq: item.seq, segment: { kind: 'data', bytes: segment.bytes, pieces: this.split(segment.bytes) } };
      this.sim.scheduleAt(arrival, new Arrival(this, from, split));
      return;
    }
    this.sim.scheduleAt(arrival, new Arrival(this, from, item));
  }

  private split(bytes: Uint8Array): Uint8Array[] {
    const pieces = 2 + this.random.int(Math.max(1, this.options.maxChunkPieces - 1));
    const cuts = new Set<number>();
    for (let i = 1; i < pieces; i++) cuts.add(1 + this.random.int(bytes.length - 1));
    const sorted = [...cuts].sort((a, b) => a - b);
    const out: Uint8Array[] = [];
    let start = 0;
    for (const c of sorted) {
      out.push(bytes.subarray(start, c));
      start = c;
    }
    out.push(bytes.subarray(start));
    return out;
  }

  /** @internal Called by Arrival events. */
  arrive(from: SimConnection, item: InFlight): void {
    const to = from.peer;
    const segment = item.segment;
    if (this.partitions.blocked(from.host.name, to.host.name)) {
      // Lost in flight when the partition began; TCP would retransmit it after the heal.
      from.held.push(item);
      return;
    }
    if (!to.alive) {
      // The receiving program is gone: its host answers with a reset.
      if (segment.kind !== 'rst' && from.alive && from.isOpen) {
        from.host.runGuarded(from.incarnation, () => from.resetLocally(`peer ${to.host.name} is gone`));
        this.stats.resets++;
      }
      return;
    }
    if (segment.kind === 'data') {
      this.stats.segmentsDelivered++;
      this.stats.bytesDelivered += segment.bytes.length;
      if (this.options.traceDeliveries) this.sim.record('net', `deliver ${segment.bytes.length} bytes to ${to.name}`);
    }
    const host = to.host;
    // Fast path without a closure: the receiving host is up and still the same incarnation.
    if (host.state === 'up' && host.incarnation === to.incarnation) to.arrive(item);
    else host.runGuarded(to.incarnation, () => to.arrive(item));
  }

  // ---- faults ------------------------------------------------------------------------------------------

  private hostCrashed(host: SimHost): void {
    const net = this.netOf(host);
    net.listeners.clear();
    for (const endpoint of [...net.endpoints]) {
      const peer = endpoint.peer;
      endpoint.vanish();
      if (peer.alive) this.transmit(endpoint, { kind: 'rst', detail: `host ${host.name} crashed` });
    }
  }

  private partitionsChanged(): void {
    for (const client of [...this.live]) {
      const server = client.peer;
      if (!client.alive && !server.alive) {
        this.live.delete(client);
        continue;
      }
      const cut =
        this.partitions.blocked(client.host.name, server.host.name) ||
        this.partitions.blocked(server.host.name, client.host.name);
      if (cut) {
        if (client.blockedSinceMs === null) {
          client.blockedSinceMs = this.sim.now;
          this.sim.schedule(this.options.partitionResetMs, () => this.resetIfStillCut(client));
        }
      } else {
        client.blockedSinceMs = null;
        this.release(client);
        this.release(server);
      }
      if (!client.isOpen && !server.isOpen && client.held.length === 0 && server.held.length === 0) {
        this.live.delete(client);
      }
    }
  }

  private release(from: SimConnection): void {
    const held = from.held.sort((a, b) => a.seq - b.seq);
    from.held = [];
    for (const item of held) {
      if (this.partitions.blocked(from.host.name, from.peer.host.name)) from.held.push(item);
      else this.schedule(from, item);
    }
  }

  private resetIfStillCut(client: SimConnection): void {
    if (client.blockedSinceMs === null || this.sim.now - client.blockedSinceMs < this.options.partitionResetMs) return;
    const server = client.peer;
    this.live.delete(client);
    client.blockedSinceMs = null;
    this.stats.resets++;
    if (this.options.traceConnections) this.sim.record('net', `reset ${client.name} (partitioned too long)`);
    for (const end of [client, server]) {
      if (end.alive) end.host.runGuarded(end.incarnation, () => end.resetLocally('partitioned too long'));
      else end.held = [];
    }
  }

  private netOf(host: SimHost): HostNet {
    const net = this.nets.get(host);
    assert(net !== undefined, () => `host ${host.name} is not on the stream network`);
    return net;
  }
}

/** The event of one segment reaching its receiver (an object, not a closure: this is the hottest path). */
class Arrival {
  constructor(
    private readonly network: StreamNetwork,
    private readonly from: SimConnection,
    private readonly item: InFlight,
  ) {}

  fire(): void {
    this.network.arrive(this.from, this.item);
  }
}
