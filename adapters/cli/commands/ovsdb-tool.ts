// `ovn-ts ovsdb-tool ...`: upstream-compatible ovsdb-tool for standalone database files. Arguments are
// parsed by the tool itself (getopt_long style), so options, messages and exit codes match upstream's.

import { Command } from 'commander';
import { processIo, runTool } from '../../ovsdb-client/process-io';
import { runOvsdbTool, toolUsage } from '../../ovsdb-client/tool-commands';

export function ovsdbToolCommand(): Command {
  return new Command('ovsdb-tool')
    .description('Open vSwitch database management utility (standalone database files), upstream-compatible')
    .usage('[OPTIONS] COMMAND [ARG...]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .addHelpText('after', () => '\n' + toolUsage(processIo(), 'ovsdb-tool'))
    .action((args: string[]) => {
      const io = processIo();
      if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
        process.stdout.write(`Usage: ovn-ts ovsdb-tool [OPTIONS] COMMAND [ARG...]\n\n${toolUsage(io, 'ovsdb-tool')}`);
        process.exitCode = 0;
        return;
      }
      process.exitCode = runTool('ovsdb-tool', io, () => runOvsdbTool(args, io));
    });
}
