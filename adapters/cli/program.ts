// The `ovn-ts` command line: one entry point whose subcommands are named after the upstream programs.
// Usage mistakes (unknown subcommand, bad flag, bad value) print one line and exit with code 2.

import { Command, CommanderError } from 'commander';
import { simCommand } from './commands/sim';
import { ovsdbServerCommand } from './commands/ovsdb-server';
import { ovsdbToolCommand } from './commands/ovsdb-tool';
import { ovsdbClientCommand } from './commands/ovsdb-client';
import { traceCommand } from './commands/trace';
import { lflowCompileCommand } from './commands/lflow-compile';
import { UsageError } from './usage-error';

export function buildProgram(): Command {
  const program = new Command('ovn-ts')
    .description('OVN in TypeScript: OVSDB, northd, controller and a deterministic network simulator')
    .version(require('../../../package.json').version as string)
    .showSuggestionAfterError(true)
    .exitOverride();
  program.addCommand(simCommand());
  program.addCommand(ovsdbServerCommand());
  program.addCommand(ovsdbToolCommand());
  program.addCommand(ovsdbClientCommand());
  program.addCommand(traceCommand());
  program.addCommand(lflowCompileCommand());
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Runs the CLI; returns the process exit code. */
export function runCli(argv: string[]): number {
  const program = buildProgram();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(s.split('\n')[0] + '\n'),
  });
  try {
    program.parse(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2; // commander already printed the one-line error
    }
    if (err instanceof UsageError) {
      process.stderr.write(`ovn-ts: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
