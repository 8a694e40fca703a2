// `ovn-ts ovsdb-server [--remote=REMOTE]... [--pidfile[=F]] [--log-file[=F]] [--unixctl=F] [DB]...`:
// a standalone OVSDB server with upstream's main flags and defaults (OVS_RUNDIR, OVS_DBDIR, OVS_LOGDIR).
// Runs in the foreground until `ovs-appctl -t CTL exit` or SIGTERM.

import { Command, InvalidArgumentError } from 'commander';
import * as path from 'node:path';
import { startServerProcess } from '../../ovsdb/server-process';

function rundir(): string {
  return process.env.OVS_RUNDIR ?? '/var/run/openvswitch';
}

/** Upstream resolves a bare file name (no "/") for --pidfile and --unixctl inside the run directory. */
function inRundir(file: string): string {
  return file.includes('/') ? path.resolve(file) : path.join(rundir(), file);
}

function parseRemote(value: string, previous: string[]): string[] {
  if (!/^(punix:.+|ptcp:\d{0,5}(:.+)?)$/.test(value)) {
    throw new InvalidArgumentError('a remote is punix:PATH or ptcp:PORT[:IP]');
  }
  return [...previous, value];
}

export function ovsdbServerCommand(): Command {
  return new Command('ovsdb-server')
    .description('standalone OVSDB server (RFC 7047) serving database files made by ovsdb-tool create')
    .argument('[db...]', 'database files (default: $OVS_DBDIR/conf.db)')
    .option('--remote <remote>', 'listen on punix:PATH or ptcp:PORT[:IP] (repeatable)', parseRemote, [] as string[])
    .option('--pidfile [file]', 'write the process id to FILE (default: $OVS_RUNDIR/ovsdb-server.pid)')
    .option('--log-file [file]', 'log to FILE (default: $OVS_LOGDIR/ovsdb-server.log) instead of stderr')
    .option('--no-chdir', 'accepted for compatibility with upstream start scripts (we never chdir)')
    .option('--unixctl <socket>', 'control socket for ovs-appctl (default: $OVS_RUNDIR/ovsdb-server.PID.ctl)')
    .action((dbs: string[], opts: { remote: string[]; pidfile?: string | true; logFile?: string | true; unixctl?: string }) => {
      const files = dbs.length ? dbs : [path.join(process.env.OVS_DBDIR ?? '/etc/openvswitch', 'conf.db')];
      const pidfile = opts.pidfile === undefined ? null : opts.pidfile === true ? path.join(rundir(), 'ovsdb-server.pid') : inRundir(opts.pidfile);
      const logFile = opts.logFile === undefined ? null
        : opts.logFile === true ? path.join(process.env.OVS_LOGDIR ?? '/var/log/openvswitch', 'ovsdb-server.log') : path.resolve(opts.logFile);
      const unixctl = opts.unixctl === undefined ? path.join(rundir(), `ovsdb-server.${process.pid}.ctl`) : inRundir(opts.unixctl);
      try {
        startServerProcess(
          { databases: files, remotes: opts.remote.map((r) => (r.startsWith('punix:') ? `punix:${path.resolve(r.slice(6))}` : r)), pidfile, logFile, unixctl, version: 'ovsdb-server (ovn-ts) 3.1.0' },
          (code) => process.exit(code),
        );
      } catch (err) {
        // Not a usage mistake: a database that cannot be opened fails the run (exit 1), as upstream.
        process.stderr.write(`ovn-ts ovsdb-server: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    });
}
