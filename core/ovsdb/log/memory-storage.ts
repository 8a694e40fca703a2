// A tiny in-memory Storage for unit tests of the log layer (the simulator's disk lives in sim/ and is not
// used here). It keeps what is durable apart from what is merely written, so tests can "crash" it and see
// exactly what fsync and rename guaranteed, and it can tear or corrupt bytes on request.

import { StorageError, type Storage } from '../../runtime/storage';
import { assert } from '../../util/assert';

interface FileState {
  data: Uint8Array;
  /** Content as of the last fsync (null: never synced, lost on crash). */
  durable: Uint8Array | null;
}

export class MemoryStorage implements Storage {
  private readonly files = new Map<string, FileState>();
  /** Every mutating call, in order (e.g. "append db 120", "fsync db"), for assertions about ordering. */
  readonly operations: string[] = [];
  private failure: { op: 'append' | 'fsync' | 'rename' | 'write'; partialBytes: number } | null = null;

  /** Makes the next call of `op` throw EIO; an append first writes `partialBytes` of its data (a short write). */
  failNext(op: 'append' | 'fsync' | 'rename' | 'write', partialBytes = 0): void {
    this.failure = { op, partialBytes };
  }

  private maybeFail(op: 'append' | 'fsync' | 'rename' | 'write', path: string, data?: Uint8Array): void {
    if (this.failure?.op !== op) return;
    const { partialBytes } = this.failure;
    this.failure = null;
    if (data && partialBytes > 0) this.append(path, data.subarray(0, partialBytes));
    throw new StorageError('EIO', `${op} ${path}: injected I/O error`);
  }

  read(path: string): Uint8Array | null {
    const f = this.files.get(path);
    return f ? f.data.slice() : null;
  }

  exists(path: string): boolean {
    return this.files.has(path);
  }

  size(path: string): number | null {
    return this.files.get(path)?.data.length ?? null;
  }

  write(path: string, data: Uint8Array): void {
    this.maybeFail('write', path);
    this.operations.push(`write ${path} ${data.length}`);
    const f = this.files.get(path);
    if (f) f.data = data.slice();
    else this.files.set(path, { data: data.slice(), durable: null });
  }

  append(path: string, data: Uint8Array): void {
    this.maybeFail('append', path, data);
    this.operations.push(`append ${path} ${data.length}`);
    const f = this.files.get(path);
    if (!f) return void this.files.set(path, { data: data.slice(), durable: null });
    const joined = new Uint8Array(f.data.length + data.length);
    joined.set(f.data);
    joined.set(data, f.data.length);
    f.data = joined;
  }

  truncate(path: string, length: number): void {
    this.operations.push(`truncate ${path} ${length}`);
    const f = this.files.get(path);
    if (!f) throw new StorageError('ENOENT', `truncate: no such file ${path}`);
    if (length < 0) throw new StorageError('EINVAL', `truncate: negative length ${length}`);
    const next = new Uint8Array(length);
    next.set(f.data.subarray(0, Math.min(length, f.data.length)));
    f.data = next;
  }

  fsync(path: string): void {
    this.maybeFail('fsync', path);
    this.operations.push(`fsync ${path}`);
    const f = this.files.get(path);
    if (!f) throw new StorageError('ENOENT', `fsync: no such file ${path}`);
    f.durable = f.data.slice();
  }

  rename(from: string, to: string): void {
    this.maybeFail('rename', from);
    this.operations.push(`rename ${from} ${to}`);
    const f = this.files.get(from);
    if (!f) throw new StorageError('ENOENT', `rename: no such file ${from}`);
    this.files.delete(from);
    this.files.set(to, f);
  }

  remove(path: string): void {
    this.operations.push(`remove ${path}`);
    this.files.delete(path);
  }

  list(dir: string): string[] {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const names = new Set<string>();
    for (const path of this.files.keys()) {
      if (path.startsWith(prefix)) {
        const rest = path.slice(prefix.length);
        if (rest !== '' && !rest.includes('/')) names.add(rest);
      }
    }
    return [...names].sort();
  }

  /** Simulates a crash: every file falls back to its last fsynced content (never-synced files vanish). */
  crash(): void {
    for (const [path, f] of [...this.files]) {
      if (f.durable === null) this.files.delete(path);
      else f.data = f.durable.slice();
    }
  }

  /** Overwrites bytes in place (a corrupted sector); durable at once. */
  corrupt(path: string, offset: number, bytes: Uint8Array): void {
    const f = this.files.get(path);
    assert(f && offset + bytes.length <= f.data.length, () => `corrupt: ${path} has no bytes at ${offset}`);
    f.data.set(bytes, offset);
    if (f.durable) f.durable = f.data.slice();
  }
}
