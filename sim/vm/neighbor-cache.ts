// A neighbor cache shared by ARP (IPv4) and ND (IPv6): resolve an address to a MAC, probing with bounded
// retries on the host's Clock, and queueing the callers that wait for the answer. The protocol-specific part
// (what a probe frame looks like) is the `probe` function the VM hands in.
import type { Clock, TimerHandle } from '../../core/runtime/clock';
import { assert } from '../../core/util/assert';

/** Time between probes for one address (Linux: retrans_time 1 s). */
export const neighborRetryIntervalMs = 1_000;
/** Probes sent before giving up (Linux: mcast_solicit 3). */
export const maxNeighborProbesCount = 3;
/** How long a learned entry stays valid. */
export const neighborEntryLifetimeMs = 60_000;
/** Bound on addresses cached or being resolved at once. */
export const maxNeighborEntriesCount = 1_024;
/** Bound on callers waiting for one address; more are failed at once. */
export const maxWaitersPerNeighborCount = 64;

export type ResolveCallback = (result: { ok: true; mac: Uint8Array } | { ok: false; error: string }) => void;

interface Entry {
  mac?: Uint8Array;
  learnedAtMs: number;
  probes: number;
  waiters: ResolveCallback[];
  timer?: TimerHandle;
}

export class NeighborCache {
  private readonly entries = new Map<string, Entry>();
  /** Probes sent so far (for tests and reports). */
  probesSent = 0;

  constructor(
    private readonly clock: Clock,
    private readonly protocol: string,
    private readonly probe: (address: string) => void,
  ) {}

  /** The cached MAC for `address`, if known and fresh. */
  lookup(address: string): Uint8Array | undefined {
    const e = this.entries.get(address);
    if (!e?.mac) return undefined;
    if (this.clock.nowMs() - e.learnedAtMs > neighborEntryLifetimeMs) return undefined;
    return e.mac;
  }

  /** Calls back with the MAC of `address`, probing when it is unknown (never synchronously on a miss). */
  resolve(address: string, done: ResolveCallback): void {
    const mac = this.lookup(address);
    if (mac) return done({ ok: true, mac });
    let e = this.entries.get(address);
    if (e && e.waiters.length > 0) {
      if (e.waiters.length >= maxWaitersPerNeighborCount) {
        return done({ ok: false, error: `${this.protocol}: more than ${maxWaitersPerNeighborCount} waiting for ${address}` });
      }
      e.waiters.push(done);
      return;
    }
    if (!e) {
      this.evictIfFull();
      e = { learnedAtMs: 0, probes: 0, waiters: [] };
      this.entries.set(address, e);
    }
    delete e.mac;
    e.probes = 0;
    e.waiters.push(done);
    this.sendProbe(address, e);
  }

  /** Records `address` at `mac` (from a reply, or from a request's sender) and wakes its waiters. */
  learn(address: string, mac: Uint8Array): void {
    let e = this.entries.get(address);
    if (!e) {
      this.evictIfFull();
      e = { learnedAtMs: 0, probes: 0, waiters: [] };
      this.entries.set(address, e);
    }
    e.mac = mac.slice();
    e.learnedAtMs = this.clock.nowMs();
    e.timer?.cancel();
    delete e.timer;
    const waiters = e.waiters;
    e.waiters = [];
    for (const w of waiters) w({ ok: true, mac: e.mac });
  }

  /** True when an entry exists for `address` (RFC 826: update only known senders unless we are the target). */
  has(address: string): boolean {
    return this.entries.has(address);
  }

  /** Forgets everything (e.g. the address changed); waiters are failed. */
  flush(reason: string): void {
    for (const [address, e] of this.entries) this.fail(address, e, reason);
    this.entries.clear();
  }

  private sendProbe(address: string, e: Entry): void {
    e.probes++;
    this.probesSent++;
    this.probe(address);
    e.timer = this.clock.setTimer(neighborRetryIntervalMs, () => {
      delete e.timer;
      if (e.mac) return;
      if (e.probes >= maxNeighborProbesCount) {
        this.entries.delete(address);
        return this.fail(address, e, `no ${this.protocol} reply from ${address} after ${e.probes} probes`);
      }
      this.sendProbe(address, e);
    });
  }

  private fail(address: string, e: Entry, reason: string): void {
    e.timer?.cancel();
    const waiters = e.waiters;
    e.waiters = [];
    for (const w of waiters) w({ ok: false, error: reason });
  }

  private evictIfFull(): void {
    if (this.entries.size < maxNeighborEntriesCount) return;
    // Evict the oldest resolved entry (Map keeps insertion order); entries being resolved are kept.
    for (const [address, e] of this.entries) {
      if (e.waiters.length === 0) {
        e.timer?.cancel();
        this.entries.delete(address);
        return;
      }
    }
    assert(false, () => `${this.protocol}: ${maxNeighborEntriesCount} addresses all being resolved at once`);
  }
}
