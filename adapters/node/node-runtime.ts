// The Runtime (core/runtime/index.ts) of a production process: Node's clock, sockets and files, a Random
// seeded from the OS (or from --seed, to replay a run), and upstream-style log lines on a stream.

import type { LogLevel, Runtime } from '../../core/runtime/index';
import type { SeededRandom } from '../../core/runtime/seeded-random';
import { NodeClock, type NodeClockOptions } from './node-clock';
import { createNodeRandom } from './node-random';
import { NodeStorage } from './node-storage';
import { NodeTransport, type NodeTransportOptions } from './node-transport';
import { formatVlogLine, logLevelRank, type VlogStyle } from './vlog-format';

/** Where log lines go: process.stderr, a file stream, or a test's collector. */
export interface LogSink {
  write(text: string): unknown;
}

export interface NodeRuntimeOptions {
  /** Directory that Storage paths are relative to (created when missing). */
  readonly storageRoot: string;
  /** Replays a run's random draws; by default a fresh seed is drawn from crypto and logged. */
  readonly seed?: string;
  /** Defaults to process.stderr, as upstream daemons log to the console when no --log-file is given. */
  readonly logStream?: LogSink;
  /** Timestamp style: 'file' (milliseconds, the default) or 'console' (seconds, as upstream's stderr). */
  readonly logStyle?: VlogStyle;
  /** Messages less severe than this are not written; default 'info' (upstream's file default). */
  readonly logLevel?: LogLevel;
  /** Module name for the runtime's own log lines (the seed); default 'runtime'. */
  readonly logModule?: string;
  readonly clock?: NodeClockOptions;
  readonly transport?: NodeTransportOptions;
}

export interface NodeRuntime extends Runtime {
  readonly clock: NodeClock;
  readonly random: SeededRandom;
  readonly transport: NodeTransport;
  readonly storage: NodeStorage;
  /** The seed of `random`: pass it back as `seed` to replay this run's draws. */
  readonly seed: string;
}

export function createNodeRuntime(options: NodeRuntimeOptions): NodeRuntime {
  const clock = new NodeClock(options.clock);
  const random = createNodeRandom(options.seed);
  const transport = new NodeTransport(options.transport);
  const storage = new NodeStorage(options.storageRoot);
  const sink: LogSink = options.logStream ?? process.stderr;
  const threshold = logLevelRank[options.logLevel ?? 'info'];
  const style = options.logStyle ?? 'file';
  let serial = 0;
  const log = (level: LogLevel, module: string, message: string): void => {
    if (logLevelRank[level] > threshold) return;
    serial++;
    sink.write(`${formatVlogLine(clock.wallClockMs(), serial, module, level, message, style)}\n`);
  };
  log('info', options.logModule ?? 'runtime', `random seed ${random.seedPath} (replay with --seed=${random.seedPath})`);
  return { clock, random, transport, storage, seed: random.seedPath, log };
}
