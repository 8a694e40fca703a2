// One file on a simulated disk: its current bytes (what readers on the host see) and what is durable
// (what survives a crash). While the file only grows by appends since the last fsync, durability is just a
// length (no copy per fsync); any other change (write, truncate) snapshots the durable bytes first.

export class SimFile {
  private buf: Uint8Array;
  private len = 0;
  /** Durable content is buf[0, durableLength) while `durableSnapshot` is null. */
  private durableLength = 0;
  /** Set when the durable content is no longer a prefix of the current one. null = prefix. */
  private durableSnapshot: Uint8Array | null = null;
  /** Whether the file exists durably at all (a created-but-never-synced file vanishes on crash). */
  private everSynced = false;
  /** Lengths of appends since the last fsync, valid while durable is a prefix (for torn writes). */
  private unsyncedAppends: number[] = [];

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.len;
  }

  read(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  append(data: Uint8Array): void {
    this.ensureCapacity(this.len + data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    if (this.durableSnapshot === null) this.unsyncedAppends.push(data.length);
  }

  write(data: Uint8Array): void {
    this.snapshotDurable();
    this.len = 0;
    this.append(data);
  }

  truncate(length: number): void {
    if (length >= this.len) {
      this.append(new Uint8Array(length - this.len)); // extends with zeros, as ftruncate does
      return;
    }
    if (this.durableSnapshot === null && length < this.durableLength) this.snapshotDurable();
    this.len = length;
    if (this.durableSnapshot === null) {
      // Still a prefix: trim the recorded unsynced appends to the new length.
      let remaining = this.len - this.durableLength;
      const kept: number[] = [];
      for (const n of this.unsyncedAppends) {
        if (remaining <= 0) break;
        kept.push(Math.min(n, remaining));
        remaining -= n;
      }
      this.unsyncedAppends = kept;
    }
  }

  fsync(): void {
    this.durableSnapshot = null;
    this.durableLength = this.len;
    this.unsyncedAppends = [];
    this.everSynced = true;
  }

  get hasUnsyncedData(): boolean {
    return this.durableSnapshot !== null || this.durableLength !== this.len || !this.everSynced;
  }

  /**
   * What survives a crash. `tearAt(n)` chooses how many bytes (1..n-1) of the last unsynced append survive
   * when tearing; undefined = no tear. Returns null when the file itself does not survive.
   */
  afterCrash(tearAt?: (appendLength: number) => number): SimFile | null {
    if (!this.everSynced && !(tearAt && this.unsyncedAppends.length > 0)) return null;
    const survivor = new SimFile(Math.max(256, this.durableLength));
    if (this.durableSnapshot !== null) {
      survivor.append(this.durableSnapshot);
    } else {
      let keep = this.durableLength;
      const appends = this.unsyncedAppends;
      if (tearAt && appends.length > 0) {
        // Everything before the last unsynced append reached the disk; the last one only in part.
        for (let i = 0; i < appends.length - 1; i++) keep += appends[i]!;
        const last = appends[appends.length - 1]!;
        if (last > 1) keep += tearAt(last);
      }
      survivor.append(this.buf.subarray(0, keep));
    }
    survivor.fsync();
    return survivor;
  }

  /** Damages bytes [offset, offset+length) in both the current and durable content (a bad sector). */
  corrupt(offset: number, length: number, flip: (i: number) => number): void {
    const end = Math.min(offset + length, this.len);
    for (let i = offset; i < end; i++) this.buf[i] = this.buf[i]! ^ (flip(i) | 1);
    if (this.durableSnapshot !== null) {
      const dEnd = Math.min(offset + length, this.durableSnapshot.length);
      for (let i = offset; i < dEnd; i++) this.durableSnapshot[i] = this.durableSnapshot[i]! ^ (flip(i) | 1);
    }
  }

  private snapshotDurable(): void {
    if (this.durableSnapshot === null) {
      this.durableSnapshot = this.buf.slice(0, this.durableLength);
      this.unsyncedAppends = [];
    }
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < needed) cap *= 2;
    const bigger = new Uint8Array(cap);
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }
}
