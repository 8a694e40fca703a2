// Log lines in upstream's default patterns (ovs-appctl(8), vlog/set PATTERN), so log-reading tools and
// habits that work on upstream logs work on ours:
//   file:    %D{%Y-%m-%dT%H:%M:%S.###Z}|%05N|%c%T|%p|%m   "2026-11-25T16:00:00.123Z|00001|ovsdb_server|INFO|..."
//   console: %D{%Y-%m-%dT%H:%M:%SZ}|%05N|%c%T|%p|%m       "2026-11-25T16:00:00Z|00001|ovsdb_server|INFO|..."
// (%T, the subprogram, is empty for a program's main thread, which is all we have.)

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

/** 'file' stamps milliseconds (upstream's --log-file pattern); 'console' whole seconds (its stderr pattern). */
export type VlogStyle = 'file' | 'console';

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
  style: VlogStyle = 'file',
): string {
  const iso = new Date(wallClockMs).toISOString();
  const stamp = style === 'file' ? iso : `${iso.slice(0, -5)}Z`; // drop ".###" before the Z
  return `${stamp}|${String(serial).padStart(5, '0')}|${module}|${vlogLevelNames[level]}|${message}`;
}
