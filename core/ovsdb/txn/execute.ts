// Executes one RFC 7047 "transact" request against a Database, purely: the caller gets the reply's
// "result" value and, on success, the ChangeSet to apply (transact() applies it at once).
//
// Reply shape, exactly as upstream's ovsdb_execute_compose / ovsdb_execute:
//  - malformed params: the result is a single error object (not an array);
//  - an operation fails: results of the earlier operations, the error object at the failing position,
//    then null for every remaining operation; nothing is committed;
//  - all operations succeed but commit-time checks fail: one result per operation plus one extra
//    trailing error object;
//  - a "wait" whose condition does not hold yet: no reply now; { kind: 'blocked' } tells the caller to run
//    the same request again after the next commit or once `timeoutMs` has elapsed (passing elapsedMs).

import type { Random } from '../../runtime/random';
import { type Json, isJsonObject } from '../data/json';
import { OvsdbError, ovsdbError, syntaxError } from '../data/error';
import { ObjectParser } from '../data/object-parser';
import type { Database } from './database';
import type { ChangeSet } from './change-set';
import { TxnState } from './txn-state';
import { type Execution, TxnSymbolTable, WouldBlock, operations } from './operations';
import { precommit } from './commit';

export interface TransactOptions {
  /** Source of row and version UUIDs. */
  readonly random: Random;
  /** Milliseconds since the request first arrived; "wait" timeouts are measured against it. */
  readonly elapsedMs?: number;
  /** Lock ownership of the requesting session, for "assert". */
  readonly isLockOwned?: (lock: string) => boolean;
  /** Server in read-only mode: only read-only operations are allowed. */
  readonly readOnly?: boolean;
}

export type TransactOutcome =
  | { readonly kind: 'done'; readonly result: Json; readonly changeSet: ChangeSet | null }
  | { readonly kind: 'blocked'; readonly timeoutMs: number | null };

/** Executes without applying: on success `changeSet` must be applied with db.apply() before any other. */
export function executeTransaction(db: Database, params: Json, opts: TransactOptions): TransactOutcome {
  if (!Array.isArray(params) || params.length === 0 || params[0] !== db.schema.name) {
    const e = !Array.isArray(params)
      ? syntaxError(params, null, 'array expected')
      : syntaxError(params, null, 'database name expected as first parameter');
    return { kind: 'done', result: e.toJson(), changeSet: null };
  }
  const txn = new TxnState(db, opts.random);
  const x: Execution = {
    txn,
    symtab: new TxnSymbolTable(() => txn.newUuid()),
    comments: [],
    durable: false,
    elapsedMs: opts.elapsedMs ?? 0,
    timeoutMs: Infinity,
    isLockOwned: opts.isLockOwned ?? (() => false),
  };
  const n = params.length - 1;
  const results: Json[] = [];
  let failed = false;
  for (let i = 1; i <= n; i++) {
    const p = new ObjectParser(params[i]!, `ovsdb operation ${i} of ${n}`);
    const op = p.member('op', ['id']);
    let error: OvsdbError | null = null;
    let result: Json = null;
    let readOnly = false;
    if (typeof op === 'string') {
      const spec = operations.get(op);
      if (spec) {
        readOnly = spec.readOnly;
        try {
          result = spec.execute(x, p);
        } catch (e) {
          if (e instanceof WouldBlock) {
            return { kind: 'blocked', timeoutMs: x.timeoutMs === Infinity ? null : x.timeoutMs };
          }
          if (!(e instanceof OvsdbError)) throw e;
          error = e;
        }
      } else {
        p.raise(`No operation "${op}"`);
      }
    }
    // A parse error (including unexpected members) overrides any other error.
    const parseError = p.finish();
    if (parseError) error = parseError;
    if (!readOnly && !error) {
      if (opts.readOnly) {
        error = ovsdbError('not allowed', `${op as string} operation not allowed when database server is in read only mode`);
      } else if (db.schema.name.startsWith('_')) {
        error = ovsdbError('not allowed', `${op as string} operation not allowed on table in reserved database ${db.schema.name}`);
      }
    }
    if (error) {
      results.push(error.toJson());
      failed = true;
      break;
    }
    results.push(isJsonObject(result) ? result : {});
  }
  while (results.length < n) results.push(null);
  if (failed) return { kind: 'done', result: results, changeSet: null };
  try {
    const cs = precommit(txn, x.comments, x.durable);
    // Like upstream, a transaction that changed no row commits nothing (its comments and durability
    // request go nowhere: there is no log record to write or sync).
    return { kind: 'done', result: results, changeSet: cs.changes.length ? cs : null };
  } catch (e) {
    if (!(e instanceof OvsdbError)) throw e;
    results.push(e.toJson());
    return { kind: 'done', result: results, changeSet: null };
  }
}

/** Executes and, on success, applies the change set to `db` (standalone-server semantics). */
export function transact(db: Database, params: Json, opts: TransactOptions): TransactOutcome {
  const out = executeTransaction(db, params, opts);
  if (out.kind === 'done' && out.changeSet) db.apply(out.changeSet);
  return out;
}
