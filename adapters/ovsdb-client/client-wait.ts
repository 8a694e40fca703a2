// `ovsdb-client wait [SERVER] DATABASE STATE` (STATE: added, connected, removed): keeps (re)connecting to
// SERVER until it answers, then waits server-side (a "wait" on _Server.Database without timeout) until
// DATABASE reaches STATE, and exits 0; as upstream, which start scripts use to wait for a server.

import { isJsonObject, type JsonObject, type JsonValue } from '../../core/json';
import { jsonToText } from '../../core/ovsdb/format';
import type { ClientContext } from './client-context';
import { ClientRpc } from './client-rpc';
import { fatal, ToolExit } from './tool-exit';
import { ovsRundir } from './tool-io';

/** Delay between connection attempts, doubling up to the maximum (upstream's reconnect backoff). */
export const minReconnectMs = 1000;
export const maxReconnectMs = 8000;

function waitTransaction(state: 'added' | 'connected' | 'removed', database: string): JsonValue[] {
  const op: JsonObject = { op: 'wait', table: 'Database', where: [['name', '==', database]] };
  if (state === 'connected') {
    op.columns = ['connected'];
    op.until = '==';
    op.rows = [{ connected: true }];
  } else {
    op.columns = [];
    op.until = '==';
    op.rows = state === 'added' ? [{}] : [];
  }
  return ['_Server', op];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function doWait(ctx: ClientContext, args: string[]): Promise<void> {
  const database = args[args.length - 2]!;
  const state = args[args.length - 1]!;
  if (state !== 'added' && state !== 'connected' && state !== 'removed') fatal(`${state}: unknown state`);
  const remote = args.length > 2 ? args[0]! : `unix:${ovsRundir(ctx.io.env)}/db.sock`;
  let backoffMs = 0;
  let quiet = false; // upstream stops logging attempts once the backoff reaches its maximum
  const log = (message: string): void => ctx.io.vlog?.('reconnect', 'info', `${remote}: ${message}`);
  // Unbounded on purpose, as upstream: the command exists to wait for a server (bound it with --timeout).
  for (;;) {
    let rpc: ClientRpc;
    if (!quiet) log('connecting...');
    try {
      rpc = await ClientRpc.connect(remote);
    } catch (e) {
      if (!(e instanceof ToolExit)) throw e;
      if (/^failed to connect or listen|passive remotes/.test(e.message)) throw e; // can never succeed
      if (!quiet) log(`connection attempt failed (${/\(([^()]*)\)$/.exec(e.message)?.[1] ?? e.message})`);
      // Upstream's reconnect backoff: 1 s, then doubling up to 8 s, announced from the second wait on,
      // and silent once at the maximum.
      backoffMs = backoffMs === 0 ? minReconnectMs : Math.min(backoffMs * 2, maxReconnectMs);
      if (!quiet && backoffMs === maxReconnectMs) {
        log('continuing to reconnect in the background but suppressing further logging');
        quiet = true;
      } else if (!quiet && backoffMs > minReconnectMs) {
        log(`waiting ${backoffMs / 1000} seconds before reconnect`);
      }
      await sleep(backoffMs);
      continue;
    }
    log('connected');
    ctx.connections.push(rpc);
    backoffMs = 0;
    quiet = false;
    const aware = rpc.request('set_db_change_aware', [true]);
    const reply = await rpc.request('transact', waitTransaction(state, database));
    const awareReply = await aware;
    if (awareReply.kind === 'error') fatal(`${remote}: set_db_change_aware failed (${jsonToText(awareReply.error)})`);
    if (reply.kind === 'closed') {
      rpc.close();
      continue; // the server went away: reconnect and ask again
    }
    if (reply.kind === 'error') fatal(`transaction returned error: ${jsonToText(reply.error, { sort: true })}`);
    if (!Array.isArray(reply.result)) fatal('result is not array');
    for (const element of reply.result) {
      if (!isJsonObject(element)) fatal('result array element is not object');
      if (Object.prototype.hasOwnProperty.call(element, 'error')) fatal(`server returned error reply: ${jsonToText(element, { sort: true })}`);
    }
    return;
  }
}
