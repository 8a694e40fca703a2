// Reads an OVSDB database once through the IDL (ovn-ts or upstream ovsdb-server), for one-shot commands
// such as `trace` and `lflow-compile`: connect, monitor the given tables and columns, hand the synced
// replica to `use`, print what it returns and set the exit code. Like upstream's one-shot tools (ovn-trace,
// ovn-sbctl) it gives up at once when the connection cannot be made ("database connection failed"), and
// otherwise after `timeoutMs`, naming the last problem the IDL reported.
import { IdlClient } from '../../core/ovsdb/idl';
import type { Replica } from '../../core/ovsdb/idl/replica';
import { NodeClock, NodeTransport, createNodeRandom } from '../node';

export interface OneShotResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ReadOnceOptions {
  /** Command name for messages ("trace"). */
  readonly command: string;
  readonly database: string;
  readonly remote: string;
  readonly monitor: Readonly<Record<string, readonly string[]>>;
  readonly timeoutMs: number;
}

export function readDatabaseOnce(opts: ReadOnceOptions, use: (replica: Replica) => OneShotResult): void {
  let done = false;
  let lastProblem = '';
  const finish = (r: OneShotResult) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    idl.stop();
    if (r.stdout) process.stdout.write(r.stdout);
    if (r.stderr) process.stderr.write(r.stderr);
    process.exitCode = r.code;
  };
  const idl = new IdlClient({
    database: opts.database,
    remotes: [opts.remote],
    transport: new NodeTransport(),
    clock: new NodeClock(),
    random: createNodeRandom(),
    monitor: opts.monitor,
    leaderOnly: false,
    callbacks: {
      problem: (_i, message) => {
        lastProblem = message;
      },
      disconnected: (_i, reason) => {
        lastProblem = reason;
      },
      connectionFailed: (_i, reason) => finish({
        code: 1, stdout: '', stderr: `ovn-ts: ${opts.command}: ${opts.remote}: database connection failed (${reason})\n`,
      }),
      synced: (i) => {
        const replica = i.replica;
        if (!replica) return finish({ code: 1, stdout: '', stderr: `ovn-ts: ${opts.command}: no replica after sync\n` });
        finish(use(replica));
      },
    },
  });
  const timer = setTimeout(() => finish({
    code: 1, stdout: '',
    stderr: `ovn-ts: ${opts.command}: could not read the ${opts.database} database at ${opts.remote} within ${opts.timeoutMs} ms${lastProblem ? ` (${lastProblem})` : ''}\n`,
  }), opts.timeoutMs);
}
