// The run's trace: readable lines of what happened, folded into a SHA-256 as they are written. Two runs with
// the same seed produce byte-identical traces, so equal hashes are the determinism check.

import { createHash, type Hash } from 'node:crypto';

export type TraceSink = (line: string) => void;

export class Trace {
  private readonly hash: Hash = createHash('sha256');
  private lineCount = 0;
  private readonly sinks: TraceSink[] = [];

  addSink(sink: TraceSink): void {
    this.sinks.push(sink);
  }

  /** Records one line: `<virtual ms, 3 decimals> <source> <text>`. */
  record(timeMs: number, source: string, text: string): void {
    const line = `${timeMs.toFixed(3)} ${source} ${text}`;
    this.hash.update(line);
    this.hash.update('\n');
    this.lineCount++;
    for (const sink of this.sinks) sink(line);
  }

  get lines(): number {
    return this.lineCount;
  }

  /** Hex SHA-256 of all lines so far (the trace can continue afterwards). */
  digest(): string {
    return this.hash.copy().digest('hex');
  }
}
