// Runs an OvsdbServer as a production process: opens each DB file with Node storage, serves the remotes,
// answers the control socket (ovs-appctl: exit, ovsdb-server/compact [DB], ovsdb-server/list-dbs), writes a
// pidfile, and logs in upstream's format to a file or stderr.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createNodeRuntime, type LogSink } from '../node';
import { OvsdbServer } from '../../core/ovsdb/server/ovsdb-server';
import { ServedDatabase } from '../../core/ovsdb/server/served-database';
import { loadDatabase } from '../../core/ovsdb/server/load-database';
import { UnixctlServer, ok, fail } from '../../core/unixctl/unixctl-server';
import type { Listener } from '../../core/runtime/transport';

export interface ServerProcessOptions {
  readonly databases: readonly string[];
  readonly remotes: readonly string[];
  readonly pidfile: string | null;
  readonly logFile: string | null;
  readonly unixctl: string;
  readonly version: string;
}

export interface RunningServer {
  readonly server: OvsdbServer;
  stop(): void;
}

/** Starts everything; throws (with a one-line message) when a database cannot be opened. */
export function startServerProcess(opts: ServerProcessOptions, onExit: (code: number) => void): RunningServer {
  let sink: LogSink = process.stderr;
  let logFd: number | null = null;
  if (opts.logFile) {
    fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
    logFd = fs.openSync(opts.logFile, 'a');
    const fd = logFd;
    sink = { write: (text: string) => fs.writeSync(fd, text) };
  }
  const rt = createNodeRuntime({
    storageRoot: '/',
    logStream: sink,
    logModule: 'ovsdb_server',
    logLevel: opts.logFile ? 'info' : 'warn',
    logStyle: opts.logFile ? 'file' : 'console',
  });
  const served = opts.databases.map((file, i) => {
    const abs = path.resolve(file);
    const loaded = loadDatabase(rt.storage, abs, rt.random.fork(`db-${i}`));
    for (const w of loaded.warnings) rt.log('warn', 'ovsdb_server', w);
    return new ServedDatabase(loaded.schema, loaded.db, {
      clock: rt.clock,
      random: rt.random.fork(`txn-${i}`),
      file: loaded.log,
      log: (level, message) => rt.log(level, 'ovsdb_server', message),
    });
  });
  const names = new Set<string>();
  for (const db of served) {
    if (names.has(db.name)) throw new Error(`${db.name}: duplicate database name`);
    names.add(db.name);
  }
  const server = new OvsdbServer({
    clock: rt.clock,
    random: rt.random.fork('server'),
    transport: rt.transport,
    databases: served,
    log: (level, message) => rt.log(level, 'ovsdb_jsonrpc_server', message),
  });
  // Remotes by name, as `ovsdb-server/list-remotes` shows them; a remote added at run time that cannot
  // listen stays listed (and logged), as upstream keeps it.
  const remotes = new Map<string, Listener | null>();
  const addRemote = (remote: string, atStartup: boolean) => {
    let listener: Listener | null = null;
    try {
      listener = server.listen(remote, (err) => {
        if (!err) return;
        rt.log('err', 'ovsdb_server', `${remote}: listen failed: ${err.message}`);
        if (atStartup) {
          process.stderr.write(`ovsdb-server: ${remote}: listen failed: ${err.message}\n`);
          stop();
          onExit(1);
        }
      });
    } catch (err) {
      rt.log('err', 'ovsdb_server', `${remote}: ${err instanceof Error ? err.message : String(err)}`);
    }
    remotes.set(remote, listener);
  };
  for (const remote of opts.remotes) addRemote(remote, true);
  const unixctl = new UnixctlServer({
    transport: rt.transport,
    clock: rt.clock,
    address: `punix:${opts.unixctl}`,
    version: opts.version,
    log: (m) => rt.log('err', 'unixctl', m),
  });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    server.close();
    unixctl.close();
    if (opts.pidfile) fs.rmSync(opts.pidfile, { force: true });
    if (logFd !== null) fs.closeSync(logFd);
  };
  unixctl.register({ name: 'exit', usage: '', minArgs: 0, maxArgs: 0, run: (_a, reply) => {
    reply(ok());
    // Let the reply reach the client before the sockets close.
    rt.clock.setTimer(10, () => {
      stop();
      onExit(0);
    });
  } });
  unixctl.register({ name: 'ovsdb-server/compact', usage: '[DB]...', minArgs: 0, maxArgs: Number.MAX_SAFE_INTEGER, run: (args, reply) => {
    for (const name of args.length ? args : [undefined]) {
      const err = server.compact(name);
      if (err) return reply(fail(err));
    }
    reply(ok());
  } });
  unixctl.register({ name: 'ovsdb-server/add-remote', usage: 'REMOTE', minArgs: 1, maxArgs: 1, run: (args, reply) => {
    if (!remotes.has(args[0]!)) addRemote(args[0]!, false);
    reply(ok());
  } });
  unixctl.register({ name: 'ovsdb-server/remove-remote', usage: 'REMOTE', minArgs: 1, maxArgs: 1, run: (args, reply) => {
    if (!remotes.has(args[0]!)) return reply(fail('no such remote'));
    remotes.get(args[0]!)?.close();
    remotes.delete(args[0]!);
    reply(ok());
  } });
  unixctl.register({ name: 'ovsdb-server/list-remotes', usage: '', minArgs: 0, maxArgs: 0, run: (_a, reply) => {
    reply(ok([...remotes.keys()].sort().map((r) => `${r}\n`).join('')));
  } });
  unixctl.register({ name: 'ovsdb-server/list-dbs', usage: '', minArgs: 0, maxArgs: 0, run: (_a, reply) => {
    reply(ok(server.databaseNames().map((n) => `${n}\n`).join('')));
  } });
  if (opts.pidfile) {
    fs.mkdirSync(path.dirname(opts.pidfile), { recursive: true });
    fs.writeFileSync(opts.pidfile, `${process.pid}\n`);
  }
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      stop();
      onExit(0);
    });
  }
  rt.log('info', 'ovsdb_server', `ovsdb-server (ovn-ts) serving ${served.map((d) => d.name).join(', ')}`);
  return { server, stop };
}
