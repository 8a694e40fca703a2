// The change set a committed transaction produces: the one description of "what changed" that every
// consumer reads.
//
//  - The database applies it (Database.apply) to move from one state to the next.
//  - A monitor layer turns it into RFC 7047 <table-updates> (and update2/update3): inserted rows have
//    old === null, deleted rows have new === null, modified rows carry both full rows plus the indexes of
//    the columns that actually changed, so "modify" notifications and "old" values need no diffing.
//  - The on-disk log writer (upstream's file format) records inserts as full rows, deletes as null and
//    modifications as the changed columns of `new` only: exactly `changedColumns`.
//  - Replication/Raft ships the same object (or its JSON) to followers.
//
// Rows are shared immutable values (see row.ts), so a change set costs no copying and can be handed to
// any number of consumers. Order is deterministic: tables in schema order, rows in the order the
// transaction first touched them (then garbage-collected and weak-reference-cleaned rows).
// Rows that a transaction touched without changing any column are omitted (like upstream).

import type { TableSchema } from '../schema/types';
import type { Row } from './row';

export interface RowChange {
  readonly table: TableSchema;
  readonly uuid: string;
  /** The row before the transaction; null when inserted. */
  readonly old: Row | null;
  /** The row after the transaction; null when deleted. */
  readonly new: Row | null;
  /** For modifications, the indexes (TableSchema.columns order) of the changed columns; null otherwise. */
  readonly changedColumns: readonly number[] | null;
}

export interface ChangeSet {
  /** The database generation this change set applies to (Database.generation before applying). */
  readonly baseGeneration: number;
  readonly changes: readonly RowChange[];
  /** Texts of "comment" operations, in order (upstream logs them with the transaction). */
  readonly comments: readonly string[];
  /** True if a "commit" operation asked for "durable": true (the caller must fsync before replying). */
  readonly durable: boolean;
  /** True if any changed column is ephemeral-only: lets the log writer skip purely ephemeral changes. */
  readonly onlyEphemeral: boolean;
}

export function kindOf(change: RowChange): 'insert' | 'delete' | 'modify' {
  return change.old === null ? 'insert' : change.new === null ? 'delete' : 'modify';
}
