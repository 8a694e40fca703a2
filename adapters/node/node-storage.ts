// The production Storage (core/runtime/storage.ts) over synchronous fs calls, rooted at one directory.
//
// Durability, as the Storage rules promise:
// - fsync(path) syncs the file's data, and also the directory entries that make it reachable when the
//   file (or a directory above it) was created by us and not yet synced: a freshly created, fsynced file
//   whose directory was never synced may be missing after a crash.
// - rename(from, to) syncs `from` first (so `to` never holds a half-written file after a crash, whatever
//   the caller did), renames, then syncs the directories involved: durable once it returns.
// - remove(path) syncs the directory: durable once it returns.
// Paths are "/"-separated and relative to the root (a leading "/" is allowed); ".." is refused.

import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { StorageError, type Storage } from '../../core/runtime/storage';

type StorageErrorCode = StorageError['code'];

/**
 * Bound on created-but-not-yet-synced directory entries we remember. Past it we sync every directory
 * involved at once and start afresh, rather than grow without limit when files are created and never synced.
 */
export const defaultMaxUnsyncedEntries = 10_000;

export interface NodeStorageOptions {
  /** See defaultMaxUnsyncedEntries. */
  readonly maxUnsyncedEntries?: number;
}

/**
 * Bound on files kept open for appending. A database log gets one append per commit: reopening it every
 * time cost as much as the write itself (bench:ovsdb). Least recently opened handles are closed first.
 */
export const maxCachedAppendFiles = 16;

/** Bound on short writes in a row before a write is declared failed (each must make progress). */
const maxShortWrites = 1_000;

function nodeErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function mapCode(nodeCode: string | undefined): StorageErrorCode {
  switch (nodeCode) {
    case 'ENOENT':
      return 'ENOENT';
    case 'EEXIST':
      return 'EEXIST';
    case 'EISDIR':
    case 'ENOTDIR':
    case 'EINVAL':
    case 'ENAMETOOLONG':
      return 'EINVAL';
    default:
      return 'EIO';
  }
}

function storageError(op: string, path: string, error: unknown): StorageError {
  const detail = error instanceof Error ? error.message : String(error);
  return new StorageError(mapCode(nodeErrorCode(error)), `storage ${op} "${path}" failed: ${detail}`);
}

/** A Uint8Array that owns its whole ArrayBuffer (Node may hand out views into a shared pool). */
function ownedBytes(buffer: Buffer): Uint8Array {
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) {
    return new Uint8Array(buffer.buffer, 0, buffer.byteLength);
  }
  return new Uint8Array(buffer);
}

export class NodeStorage implements Storage {
  readonly root: string;
  /** Absolute paths whose entry in their parent directory we created and have not synced yet. */
  private readonly unsyncedEntries = new Set<string>();
  private readonly maxUnsyncedEntries: number;
  /** Open O_APPEND handles by absolute path (dropped when the path is renamed or removed). */
  private readonly appendFds = new Map<string, number>();

  constructor(root: string, options: NodeStorageOptions = {}) {
    this.root = nodePath.resolve(root);
    this.maxUnsyncedEntries = options.maxUnsyncedEntries ?? defaultMaxUnsyncedEntries;
    try {
      fs.mkdirSync(this.root, { recursive: true });
    } catch (error) {
      throw storageError('create root', root, error);
    }
  }

  read(path: string): Uint8Array | null {
    const abs = this.resolve(path, 'read');
    try {
      return ownedBytes(fs.readFileSync(abs));
    } catch (error) {
      if (nodeErrorCode(error) === 'ENOENT') return null;
      throw storageError('read', path, error);
    }
  }

  exists(path: string): boolean {
    return this.statFile(path, 'exists') !== null;
  }

  size(path: string): number | null {
    return this.statFile(path, 'size')?.size ?? null;
  }

  write(path: string, data: Uint8Array): void {
    const abs = this.resolve(path, 'write');
    const fd = this.openForWriting(abs, path, 'write', fs.constants.O_TRUNC);
    this.writeAllAndClose(fd, data, path, 'write');
  }

  append(path: string, data: Uint8Array): void {
    const abs = this.resolve(path, 'append');
    let fd = this.appendFds.get(abs);
    if (fd === undefined) {
      fd = this.openForWriting(abs, path, 'append', fs.constants.O_APPEND);
      if (this.appendFds.size >= maxCachedAppendFiles) this.dropAppendFd(this.appendFds.keys().next().value!);
      this.appendFds.set(abs, fd);
    }
    try {
      this.writeAll(fd, data, path, 'append');
    } catch (error) {
      this.dropAppendFd(abs);
      throw error;
    }
  }

  private dropAppendFd(abs: string): void {
    const fd = this.appendFds.get(abs);
    if (fd === undefined) return;
    this.appendFds.delete(abs);
    try {
      fs.closeSync(fd);
    } catch {
      // Closing an append handle can only fail for an fd that is already gone; nothing is lost.
    }
  }

  truncate(path: string, length: number): void {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new StorageError('EINVAL', `storage truncate "${path}" failed: bad length ${length}`);
    }
    const abs = this.resolve(path, 'truncate');
    try {
      fs.truncateSync(abs, length);
    } catch (error) {
      throw storageError('truncate', path, error);
    }
  }

  fsync(path: string): void {
    const abs = this.resolve(path, 'fsync');
    this.syncFile(abs, path, 'fsync');
    this.syncEntriesUpFrom(abs, path, 'fsync');
  }

  rename(from: string, to: string): void {
    const op = `rename to "${to}" of`;
    const absFrom = this.resolve(from, 'rename');
    const absTo = this.resolve(to, 'rename');
    const stat = this.lstat(absFrom, from, op);
    if (stat === null) throw new StorageError('ENOENT', `storage ${op} "${from}" failed: no such file`);
    if (!stat.isFile()) throw new StorageError('EINVAL', `storage ${op} "${from}" failed: not a regular file`);
    this.syncFile(absFrom, from, op);
    this.dropAppendFd(absFrom);
    this.dropAppendFd(absTo);
    this.makeParents(absTo, to, 'rename');
    try {
      fs.renameSync(absFrom, absTo);
    } catch (error) {
      throw storageError(op, from, error);
    }
    this.unsyncedEntries.delete(absFrom);
    this.unsyncedEntries.delete(absTo);
    this.syncDirectory(nodePath.dirname(absTo), to, 'rename');
    this.syncEntriesUpFrom(nodePath.dirname(absTo), to, 'rename');
    if (nodePath.dirname(absFrom) !== nodePath.dirname(absTo)) {
      this.syncDirectory(nodePath.dirname(absFrom), from, 'rename');
    }
  }

  remove(path: string): void {
    const abs = this.resolve(path, 'remove');
    this.dropAppendFd(abs);
    try {
      fs.unlinkSync(abs);
    } catch (error) {
      const code = nodeErrorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return; // missing is not an error
      throw storageError('remove', path, error);
    }
    this.unsyncedEntries.delete(abs);
    this.syncDirectory(nodePath.dirname(abs), path, 'remove');
  }

  list(dir: string): string[] {
    const abs = this.resolve(dir, 'list', true);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch (error) {
      const code = nodeErrorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw storageError('list', dir, error);
    }
    // Files only: subdirectories are not files, and in the simulator they exist only implicitly.
    return entries
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  }

  /** The absolute path for `path` under the root; refuses "..", and an empty path unless it names a dir. */
  private resolve(path: string, op: string, allowRoot = false): string {
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) {
      throw new StorageError('EINVAL', `storage ${op} "${path}" failed: ".." is not allowed in storage paths`);
    }
    if (parts.length === 0 && !allowRoot) {
      throw new StorageError('EINVAL', `storage ${op} "${path}" failed: empty file name`);
    }
    return nodePath.join(this.root, ...parts);
  }

  private lstat(abs: string, path: string, op: string): fs.Stats | null {
    try {
      return fs.lstatSync(abs, { throwIfNoEntry: false }) ?? null;
    } catch (error) {
      if (nodeErrorCode(error) === 'ENOTDIR') return null; // a parent is a file: no such file here
      throw storageError(op, path, error);
    }
  }

  private statFile(path: string, op: string): fs.Stats | null {
    const stat = this.lstat(this.resolve(path, op), path, op);
    return stat !== null && stat.isFile() ? stat : null;
  }

  private openForWriting(abs: string, path: string, op: string, mode: number): number {
    const flags = fs.constants.O_WRONLY | mode;
    try {
      return fs.openSync(abs, flags);
    } catch (error) {
      if (nodeErrorCode(error) !== 'ENOENT') throw storageError(op, path, error);
    }
    this.makeParents(abs, path, op);
    try {
      const fd = fs.openSync(abs, flags | fs.constants.O_CREAT, 0o644);
      this.noteUnsynced(abs);
      return fd;
    } catch (error) {
      throw storageError(op, path, error);
    }
  }

  private writeAllAndClose(fd: number, data: Uint8Array, path: string, op: string): void {
    try {
      this.writeAll(fd, data, path, op);
    } finally {
      fs.closeSync(fd);
    }
  }

  private writeAll(fd: number, data: Uint8Array, path: string, op: string): void {
    try {
      let offset = 0;
      let shortWrites = 0;
      while (offset < data.length) {
        const n = fs.writeSync(fd, data, offset, data.length - offset);
        if (n <= 0 || ++shortWrites > maxShortWrites) {
          throw new Error(`write made no progress at byte ${offset} of ${data.length}`);
        }
        offset += n;
      }
    } catch (error) {
      throw storageError(op, path, error);
    }
  }

  /** Creates the missing directories above `abs`, remembering their entries as not yet synced. */
  private makeParents(abs: string, path: string, op: string): void {
    const parent = nodePath.dirname(abs);
    let first: string | undefined;
    try {
      first = fs.mkdirSync(parent, { recursive: true });
    } catch (error) {
      throw storageError(op, path, error);
    }
    if (first === undefined) return;
    // mkdirSync returns the topmost directory it created; every directory from there down to `parent` is new.
    for (let dir = parent; dir.length >= first.length; dir = nodePath.dirname(dir)) {
      this.noteUnsynced(dir);
      if (dir === first) break;
    }
  }

  private noteUnsynced(abs: string): void {
    if (this.unsyncedEntries.size >= this.maxUnsyncedEntries) {
      const dirs = new Set([...this.unsyncedEntries].map((p) => nodePath.dirname(p)));
      for (const dir of dirs) {
        try {
          this.syncDirectory(dir, dir, 'sync directories');
        } catch (error) {
          // A directory removed behind our back has no entries left to make durable.
          if (!(error instanceof StorageError && error.code === 'ENOENT')) throw error;
        }
      }
      this.unsyncedEntries.clear();
    }
    this.unsyncedEntries.add(abs);
  }

  /** Syncs the parent directory of `abs`, and of each new directory above it, while their entries are new. */
  private syncEntriesUpFrom(abs: string, path: string, op: string): void {
    for (let p = abs; p !== this.root && this.unsyncedEntries.has(p); p = nodePath.dirname(p)) {
      this.syncDirectory(nodePath.dirname(p), path, op);
      this.unsyncedEntries.delete(p);
    }
  }

  private syncFile(abs: string, path: string, op: string): void {
    const cached = this.appendFds.get(abs);
    if (cached !== undefined) {
      try {
        fs.fsyncSync(cached);
        return;
      } catch (error) {
        throw storageError(op, path, error);
      }
    }
    let fd: number;
    try {
      fd = fs.openSync(abs, fs.constants.O_RDONLY);
    } catch (error) {
      throw storageError(op, path, error);
    }
    try {
      fs.fsyncSync(fd);
    } catch (error) {
      throw storageError(op, path, error);
    } finally {
      fs.closeSync(fd);
    }
  }

  private syncDirectory(absDir: string, path: string, op: string): void {
    this.syncFile(absDir, path, `${op} (directory ${absDir})`);
  }
}
