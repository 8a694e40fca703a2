// Log lines in upstream's default file/console pattern (ovs-appctl(8), vlog/set PATTERN):
//   %D{%Y-%m-%dT%H:%M:%S.###Z}|%05N|%c|%p|%m
// e.g. "2026-11-25T16:00:00.123Z|00001|ovsdb_server|INFO|ovsdb-server (ovn-ts) 0.1.0"
// so log-reading tools and habits that work on upstream logs work on ours.

import type { LogLevel } from '../../core/runtime/index';

/** vlog's level names (%p), in increasing verbosity. */
export const vlogLevelNames: Readonly<Record<LogLevel, string>> = {
  emer: 'EMER',
  err: 'ERR',
  warn: 'WARN',
  info: 'INFO',
  dbg: 'DBG',
};

/** Lower is more severe; a message is logged when its rank ≤ the threshold's rank. */
export const logLevelRank: Readonly<Record<LogLevel, number>> = { emer: 0, err: 1, warn: 2, info: 3, dbg: 4 };

/**
 * One log line without the trailing newline. `serial` is %N (1 for a program's first message), zero-padded
 * to 5 digits and never truncated; `wallClockMs` is rendered in UTC to the millisecond.
 */
export function formatVlogLine(
  wallClockMs: number,
  serial: number,
  module: string,
  level: LogLevel,
  message: string,
): string {
  return `${new Date(wallClockMs).toISOString()}|${String(serial).padStart(5, '0')}|${module}|${vlogLevelNames[level]}|${message}`;
}
