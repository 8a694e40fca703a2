// `ovn-ts sim [SCENARIO] [--seed N] [--trace FILE] [--list]`: runs a named scenario on the simulator.
// The last line printed is always `trace-hash: <hex>`, so two runs can be compared for determinism.

import { Command, InvalidArgumentError } from 'commander';
import * as fs from 'node:fs';
import { defaultScenarioName, findScenario, scenarios } from '../../../scenarios';
import { UsageError } from '../usage-error';
import { writeCaptureFiles } from '../../pcap/pcap-file';

export const defaultSeed = '1';

function parseSeed(value: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(value)) throw new InvalidArgumentError('a seed is 1-64 letters, digits or _.:-');
  return value;
}

export function simCommand(): Command {
  return new Command('sim')
    .description('run a named simulation scenario (virtual time, seeded, deterministic)')
    .argument('[scenario]', `scenario name (default: ${defaultScenarioName}; --list shows all)`)
    .option('--seed <seed>', 'seed for every random choice in the run (same seed, same trace)', parseSeed, defaultSeed)
    .option('--trace <file>', 'write every trace line to FILE')
    .option('--pcap <dir>', "write the scenario's pcap captures into DIR")
    .option('--list', 'list the scenarios and exit')
    .action((name: string | undefined, opts: { seed: string; trace?: string; pcap?: string; list?: boolean }) => {
      if (opts.list) {
        for (const s of scenarios) process.stdout.write(`${s.name.padEnd(20)} ${s.summary}\n`);
        return;
      }
      const scenarioName = name ?? defaultScenarioName;
      const scenario = findScenario(scenarioName);
      if (!scenario) {
        throw new UsageError(`unknown scenario "${scenarioName}" (known: ${scenarios.map((s) => s.name).join(', ')})`);
      }
      let traceFd: number | undefined;
      if (opts.trace) {
        try {
          traceFd = fs.openSync(opts.trace, 'w');
        } catch (err) {
          throw new UsageError(`cannot write trace file ${opts.trace}: ${(err as Error).message}`);
        }
      }
      const fd = traceFd;
      try {
        const result = scenario.run({
          seed: opts.seed,
          report: (line) => process.stdout.write(line + '\n'),
          ...(fd !== undefined ? { traceSink: (line: string) => fs.writeSync(fd, line + '\n') } : {}),
        });
        if (opts.pcap) {
          const written = writeCaptureFiles(opts.pcap, result.files);
          if (written.length === 0) throw new UsageError(`--pcap: scenario ${scenario.name} makes no pcap captures`);
          for (const f of written) process.stdout.write(`wrote ${f}\n`);
        }
        process.stdout.write(`replay: ovn-ts sim ${scenario.name} --seed ${opts.seed}\n`);
        process.stdout.write(`trace-hash: ${result.traceHash}\n`);
        if (!result.ok) process.exitCode = 1;
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    });
}
