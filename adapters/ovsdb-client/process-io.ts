// The ToolIo of the running process, and the wrapper that turns ToolExit into upstream's
// "PROGRAM: message" line and exit status.

import * as fs from 'node:fs';
import { createNodeRandom } from '../node/node-random';
import { formatVlogLine } from '../node/vlog-format';
import { ToolExit } from './tool-exit';
import type { ToolIo } from './tool-io';

let stdoutGuarded = false;
/** Serial number of the last console log line this process wrote (upstream numbers them from 1). */
let vlogSerial = 0;

function writeVlog(module: string, level: 'info' | 'warn', message: string): void {
  process.stderr.write(`${formatVlogLine(Date.now(), ++vlogSerial, module, level, message, 'console')}\n`);
}

export function processIo(): ToolIo {
  if (!stdoutGuarded) {
    // A reader that goes away (`ovsdb-client monitor ... | head -1`) ends the tool quietly, as upstream
    // ends on its failed write, instead of an unhandled EPIPE stack trace.
    stdoutGuarded = true;
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(1);
      throw e;
    });
  }
  return {
    stdout: (text) => process.stdout.write(text),
    stdoutBytes: (bytes) => process.stdout.write(bytes),
    stdoutIsTty: process.stdout.isTTY === true,
    vlog: writeVlog,
    readStdin: () => new Uint8Array(fs.readFileSync(0)),
    stdinIsTty: process.stdin.isTTY === true,
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    nowMs: () => Date.now(),
    random: createNodeRandom(),
  };
}

/** Runs a synchronous tool body; returns its exit status, printing fatal errors as upstream does. */
export function runTool(program: string, io: ToolIo, body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof ToolExit) {
      io.stderr(`${program}: ${e.message}\n`);
      return e.status;
    }
    throw e;
  }
}

const signalNumbers: Record<string, [number, string]> = {
  SIGHUP: [1, 'Hangup'],
  SIGINT: [2, 'Interrupt'],
  SIGALRM: [14, 'Alarm clock'],
  SIGTERM: [15, 'Terminated'],
};

/**
 * Runs an asynchronous tool body to completion, then sets process.exitCode. Like upstream's fatal-signal
 * handling, SIGINT/SIGTERM/SIGHUP (and --timeout, as SIGALRM) log "terminating with signal N (Name)" and
 * end the process by that signal.
 */
export function runAsyncTool(program: string, io: ToolIo, body: (armTimeout: (seconds: number) => void) => Promise<number>): void {
  const handlers = new Map<NodeJS.Signals, () => void>();
  const terminate = (signal: NodeJS.Signals): void => {
    const [number, name] = signalNumbers[signal]!;
    const message = `terminating with signal ${number} (${name})`;
    if (io.vlog) io.vlog('fatal_signal', 'warn', message);
    else io.stderr(`${formatVlogLine(io.nowMs(), 1, 'fatal_signal', 'warn', message, 'console')}\n`);
    for (const [s, h] of handlers) process.removeListener(s, h);
    process.kill(process.pid, signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[]) {
    const handler = (): void => terminate(signal);
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  let timer: NodeJS.Timeout | null = null;
  const armTimeout = (seconds: number): void => {
    timer = setTimeout(() => terminate('SIGALRM'), seconds * 1000);
    timer.unref();
  };
  const finish = (status: number): void => {
    if (timer) clearTimeout(timer);
    for (const [s, h] of handlers) process.removeListener(s, h);
    process.exitCode = status;
  };
  body(armTimeout).then(finish, (e: unknown) => {
    if (e instanceof ToolExit) {
      io.stderr(`${program}: ${e.message}\n`);
      finish(e.status);
      return;
    }
    finish(1);
    throw e;
  });
}
