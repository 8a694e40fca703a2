// `ovn-ts ovsdb-client ...`: upstream-compatible OVSDB JSON-RPC client. Arguments are parsed by the client
// itself (getopt_long style), so options, output, messages and exit codes match upstream's.

import { Command } from 'commander';
import { clientUsage, runOvsdbClient } from '../../ovsdb-client/client-commands';
import { processIo, runAsyncTool } from '../../ovsdb-client/process-io';

export function ovsdbClientCommand(): Command {
  return new Command('ovsdb-client')
    .description('Open vSwitch database JSON-RPC client (list-dbs, get-schema, transact, query, dump, monitor...), upstream-compatible')
    .usage('[OPTIONS] COMMAND [ARG...]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action((args: string[]) => {
      const io = processIo();
      if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
        process.stdout.write(`Usage: ovn-ts ovsdb-client [OPTIONS] COMMAND [ARG...]\n\n${clientUsage(io)}`);
        return;
      }
      runAsyncTool('ovsdb-client', io, (armTimeout) => runOvsdbClient(args, io, armTimeout));
    });
}
