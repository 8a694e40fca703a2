// Upstream's database lockfiles (lib/lockfile.c): a writer of "DIR/NAME" holds a POSIX (fcntl) write lock
// on "DIR/.NAME.~lock~". Node cannot take fcntl locks, so we cannot hold one; but on Linux we can see
// them in /proc/locks, and refuse to write a database that ovsdb-server (or another tool) has locked,
// with upstream's messages, instead of corrupting it under the server.

import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { formatVlogLine } from '../node/vlog-format';
import { fatal } from './tool-exit';
import type { ToolIo } from './tool-io';

export function lockfileName(file: string): string {
  return nodePath.join(nodePath.dirname(file), `.${nodePath.basename(file)}.~lock~`);
}

/** The pid holding a POSIX lock on `path` per /proc/locks, or null (also when /proc/locks is absent). */
export function posixLockHolder(path: string): number | null {
  let st: fs.Stats;
  let table: string;
  try {
    st = fs.statSync(path);
    table = fs.readFileSync('/proc/locks', 'utf8');
  } catch {
    return null;
  }
  // glibc's dev_t encoding.
  const dev = BigInt(st.dev);
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  for (const line of table.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 31417 fe:00:2147064 0 EOF" (blocked waiters are marked "->").
    const m = /^\d+: POSIX +\S+ +\S+ +(\d+) +([0-9a-f]+):([0-9a-f]+):(\d+) /.exec(line);
    if (!m) continue;
    if (parseInt(m[2]!, 16) === major && parseInt(m[3]!, 16) === minor && Number(m[4]) === st.ino) return Number(m[1]);
  }
  return null;
}

/** Fails as upstream's ovsdb-tool does when another process holds `file`'s lockfile. */
export function checkNotLocked(file: string, io: ToolIo, style: 'storage' | 'compact' = 'storage'): void {
  const lock = lockfileName(file);
  const pid = posixLockHolder(lock);
  if (pid === null || pid === process.pid) return;
  io.stderr(`${formatVlogLine(io.nowMs(), 1, 'lockfile', 'warn', `${lock}: cannot lock file because it is already locked by pid ${pid}`, 'console')}\n`);
  // Opening the storage reports an ovsdb I/O error; `compact` locks the files itself (ovs_fatal).
  fatal(`${style === 'storage' ? 'I/O error: ' : ''}${file}: failed to lock lockfile (Resource temporarily unavailable)`);
}
