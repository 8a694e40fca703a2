// Interpreting the reply to a "transact" the way upstream's ovsdb_idl_txn_process_reply does:
// - the connection dropped before the reply: 'try-again' (the caller re-runs its logic once resynced);
// - a JSON-RPC error: 'error';
// - any operation error "timed out" (a verify "wait" failed): 'try-again';
//   "not owner" (the lock assertion failed): 'not-locked'; any other error: 'error' (hard errors win,
//   then lock errors, then soft ones);
// - an error after the last operation (commit-time checks such as referential integrity): 'error';
// - otherwise 'success', with each insert's UUID read from its result.

import { type JsonValue, getMember, isJsonObject, jsonExcerpt } from '../../json/value';
import type { ReplyOutcome } from '../jsonrpc/session';
import { isUuidString } from '../data/atom';
import type { TxnStatus } from './txn';

export interface InterpretedReply {
  readonly status: TxnStatus;
  readonly error?: string;
  readonly insertedUuids: Map<string, string>;
}

function describeError(result: JsonValue): string {
  if (!isJsonObject(result)) return jsonExcerpt(result);
  const error = getMember(result, 'error');
  const details = getMember(result, 'details');
  return typeof details === 'string' ? `${String(error)}: ${details}` : String(error);
}

/** `insertIndexes`: temporary UUID -> index of its insert operation among the results. `nOps` excludes the db name. */
export function interpretTransactReply(outcome: ReplyOutcome, nOps: number, insertIndexes: ReadonlyMap<string, number>): InterpretedReply {
  const insertedUuids = new Map<string, string>();
  if (outcome.kind === 'closed') return { status: 'try-again', error: `connection lost before the reply (${outcome.reason})`, insertedUuids };
  if (outcome.kind === 'error') return { status: 'error', error: `transaction error: ${jsonExcerpt(outcome.error, 200)}`, insertedUuids };
  const results = outcome.result;
  if (!Array.isArray(results)) return { status: 'error', error: `reply is not an array: ${jsonExcerpt(results)}`, insertedUuids };
  const hard: string[] = [];
  const lock: string[] = [];
  const soft: string[] = [];
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (r === null) continue;
    if (!isJsonObject(r)) {
      hard.push(`result ${i} is not an object: ${jsonExcerpt(r)}`);
      continue;
    }
    const error = getMember(r, 'error');
    if (error === undefined || error === null) continue;
    if (typeof error !== 'string') hard.push(`result ${i} has a non-string error ${jsonExcerpt(error)}`);
    else if (i >= nOps) hard.push(describeError(r));
    else if (error === 'timed out') soft.push(describeError(r));
    else if (error === 'not owner') lock.push(describeError(r));
    else if (error !== 'aborted') hard.push(describeError(r));
  }
  if (hard.length === 0 && lock.length === 0 && soft.length === 0 && results.length < nOps) {
    hard.push(`reply has ${results.length} results for ${nOps} operations`);
  }
  if (hard.length) return { status: 'error', error: hard.join('; '), insertedUuids };
  if (lock.length) return { status: 'not-locked', error: lock.join('; '), insertedUuids };
  if (soft.length) return { status: 'try-again', error: soft.join('; '), insertedUuids };
  for (const [temp, index] of insertIndexes) {
    const r = results[index];
    const uuid = isJsonObject(r) ? getMember(r, 'uuid') : undefined;
    if (!(Array.isArray(uuid) && uuid.length === 2 && uuid[0] === 'uuid' && typeof uuid[1] === 'string' && isUuidString(uuid[1]))) {
      return { status: 'error', error: `insert result ${index} has no valid "uuid": ${jsonExcerpt(r ?? null)}`, insertedUuids };
    }
    insertedUuids.set(temp, uuid[1].toLowerCase());
  }
  return { status: 'success', insertedUuids };
}
