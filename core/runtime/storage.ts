// Storage: a host's files. Synchronous on purpose: OVSDB and Raft need "persist before send", which a
// synchronous append+fsync states directly; the simulator charges no wall time for it.
//
// Durability rules (what the simulated disk enforces on a crash, and what the Node adapter gets from fs):
// - write/append change the file at once for readers on this host, but only fsync() makes them survive a
//   crash. On a crash, unsynced data may vanish, and the last unsynced write may survive in part (torn).
// - rename() is atomic: after a crash the target holds either its old or its new content, never a mix.
//   It is durable once it returns (the Node adapter fsyncs the directory).
// - Paths are "/"-separated; directories exist implicitly in the simulator, and are created as needed by the
//   Node adapter.

export class StorageError extends Error {
  constructor(
    readonly code: 'ENOENT' | 'EEXIST' | 'EIO' | 'EINVAL',
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export interface Storage {
  /** The whole file, or null when it does not exist. */
  read(path: string): Uint8Array | null;
  exists(path: string): boolean;
  size(path: string): number | null;
  /** Creates or replaces the file's content (not durable until fsync). */
  write(path: string, data: Uint8Array): void;
  /** Appends to the file, creating it when missing (not durable until fsync). */
  append(path: string, data: Uint8Array): void;
  /** Cuts the file to `length` bytes (not durable until fsync). */
  truncate(path: string, length: number): void;
  /** Makes everything written to `path` so far durable. Throws ENOENT for a missing file. */
  fsync(path: string): void;
  /** Atomically replaces `to` with `from`. Throws ENOENT when `from` is missing. */
  rename(from: string, to: string): void;
  /** Removes the file; durable at once. Missing files are not an error. */
  remove(path: string): void;
  /** Names (not paths) of the files directly inside `dir`, sorted. Empty when there are none. */
  list(dir: string): string[];
}
