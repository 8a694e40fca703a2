// What the upstream-compatible tools need from their process: output streams, environment, clock, randomness.
// Tests pass their own; the CLI passes the real process's.

import type { Random } from '../../core/runtime/random';

export interface ToolIo {
  stdout(text: string): void;
  /** Raw bytes to stdout (database records); defaults to decoding them as UTF-8 through stdout(). */
  stdoutBytes?(bytes: Uint8Array): void;
  /** All of standard input (restore reads a backup from it). */
  readStdin?(): Uint8Array;
  readonly stdinIsTty?: boolean;
  /** True when stdout is a terminal (backup refuses to write there). */
  readonly stdoutIsTty?: boolean;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** An upstream-style console log line on stderr ("TIME|SERIAL|module|LEVEL|message"); absent: not logged. */
  vlog?(module: string, level: 'info' | 'warn', message: string): void;
  /** Wall-clock milliseconds since the epoch. */
  nowMs(): number;
  readonly random: Random;
}

/** Upstream's ovs_rundir(), ovs_dbdir() and ovs_pkgdatadir() (Debian's compiled-in defaults). */
export function ovsRundir(env: ToolIo['env']): string {
  return env.OVS_RUNDIR || '/var/run/openvswitch';
}

export function ovsDbdir(env: ToolIo['env']): string {
  return env.OVS_DBDIR || '/etc/openvswitch';
}

export function ovsPkgdatadir(env: ToolIo['env']): string {
  return env.OVS_PKGDATADIR || '/usr/share/openvswitch';
}
