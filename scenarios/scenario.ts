// What a named, runnable simulation looks like. Scenarios are data first: hosts, a fault schedule, and a
// program per role; `run` builds the world, runs it, and reports readable lines and the trace hash.

export interface ScenarioOptions {
  seed: string;
  /** Receives every trace line (for --trace FILE). */
  traceSink?: (line: string) => void;
  /** Receives the readable report, line by line. */
  report: (line: string) => void;
}

export interface ScenarioResult {
  traceHash: string;
  /** False when a check of the scenario failed (the CLI exits non-zero). */
  ok: boolean;
  events: number;
  virtualMs: number;
  /** Files the run produced, by file name (e.g. pcap captures); the CLI writes them when asked (--pcap DIR). */
  files?: ReadonlyMap<string, Uint8Array>;
}

export interface Scenario {
  readonly name: string;
  readonly summary: string;
  run(options: ScenarioOptions): ScenarioResult;
}
