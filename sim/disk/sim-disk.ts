// A simulated host's disk, implementing core/runtime Storage with the crash semantics written there:
// unsynced data is lost on crash, the last unsynced append may be torn, rename is atomic and durable,
// and a sector can be corrupted on request.

import { StorageError, type Storage } from '../../core/runtime/storage';
import type { Random } from '../../core/runtime/random';
import { SimFile } from './sim-file';
import { assert } from '../../core/util/assert';

export const sectorBytes = 512;

export interface DiskStats {
  files: number;
  bytes: number;
  fsyncs: number;
  appends: number;
}

function normalize(path: string): string {
  assert(path.length > 0, 'empty path');
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw new StorageError('EINVAL', `path "${path}" must not contain ".."`);
  return '/' + parts.join('/');
}

export class SimDisk implements Storage {
  private files = new Map<string, SimFile>();
  private fsyncCount = 0;
  private appendCount = 0;

  constructor(readonly name: string) {}

  read(path: string): Uint8Array | null {
    return this.files.get(normalize(path))?.read() ?? null;
  }

  exists(path: string): boolean {
    return this.files.has(normalize(path));
  }

  size(path: string): number | null {
    return this.files.get(normalize(path))?.length ?? null;
  }

  write(path: string, data: Uint8Array): void {
    this.fileFor(path, true).write(data);
  }

  append(path: string, data: Uint8Array): void {
    this.appendCount++;
    this.fileFor(path, true).append(data);
  }

  truncate(path: string, length: number): void {
    assert(Number.isInteger(length) && length >= 0, () => `truncate ${path}: bad length ${length}`);
    this.fileFor(path, false, 'truncate').truncate(length);
  }

  fsync(path: string): void {
    this.fsyncCount++;
    this.fileFor(path, false, 'fsync').fsync();
  }

  rename(from: string, to: string): void {
    const src = normalize(from);
    const file = this.files.get(src);
    if (!file) throw new StorageError('ENOENT', `rename ${from} -> ${to}: ${from} does not exist`);
    this.files.delete(src);
    this.files.set(normalize(to), file);
  }

  remove(path: string): void {
    this.files.delete(normalize(path));
  }

  list(dir: string): string[] {
    const prefix = normalize(dir) === '/' ? '/' : normalize(dir) + '/';
    const names: string[] = [];
    for (const p of this.files.keys()) {
      if (p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) names.push(p.slice(prefix.length));
    }
    return names.sort();
  }

  /**
   * The host crashed: keep only what was durable. With `tear`, the last unsynced append of every file
   * survives in part (1..n-1 bytes, drawn from `random`), as a torn write does.
   */
  crash(random: Random, tear: boolean): void {
    const survivors = new Map<string, SimFile>();
    for (const [path, file] of this.files) {
      const tearAt = tear ? (n: number) => 1 + random.int(n - 1) : undefined;
      const kept = file.afterCrash(tearAt);
      if (kept) survivors.set(path, kept);
    }
    this.files = survivors;
  }

  /** Corrupts one 512-byte sector of a file (both what is read now and what survives a crash). */
  corruptSector(path: string, sector: number, random: Random): void {
    const file = this.fileFor(path, false, 'corrupt');
    assert(sector >= 0 && sector * sectorBytes < file.length, () =>
      `corrupt ${path}: sector ${sector} is beyond the file's ${file.length} bytes`,
    );
    const noise = random.bytes(sectorBytes);
    file.corrupt(sector * sectorBytes, sectorBytes, (i) => noise[i % sectorBytes]!);
  }

  stats(): DiskStats {
    let bytes = 0;
    for (const f of this.files.values()) bytes += f.length;
    return { files: this.files.size, bytes, fsyncs: this.fsyncCount, appends: this.appendCount };
  }

  private fileFor(path: string, create: boolean, op = 'open'): SimFile {
    const p = normalize(path);
    let file = this.files.get(p);
    if (!file) {
      if (!create) throw new StorageError('ENOENT', `${op} ${path}: no such file on disk ${this.name}`);
      file = new SimFile();
      this.files.set(p, file);
    }
    return file;
  }
}
