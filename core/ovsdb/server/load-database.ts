// Opens a standalone database file into an in-memory Database: read and verify the log (core/ovsdb/log),
// replay its records, and load the rows through one change set so the engine's reference counts and
// indexes are built by the same code as every later commit.

import type { Storage } from '../../runtime/storage';
import type { Random } from '../../runtime/random';
import type { Json } from '../data/json';
import { parseDatabaseSchema } from '../schema/parse-schema';
import type { DatabaseSchema } from '../schema/types';
import { Database } from '../txn/database';
import type { RowChange } from '../txn/change-set';
import { DatabaseLog, replayRecords } from '../log';
import { OvsdbError } from '../data/error';
import { rowFromJson } from './log-record';
import { randomUuid } from './uuid';

export interface LoadedDatabase {
  readonly schema: DatabaseSchema;
  readonly db: Database;
  readonly log: DatabaseLog;
  readonly warnings: string[];
}

export class DatabaseLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseLoadError';
  }
}

export function loadDatabase(storage: Storage, path: string, random: Random): LoadedDatabase {
  const opened = DatabaseLog.open(storage, path);
  let schema: DatabaseSchema;
  try {
    schema = parseDatabaseSchema(opened.schema as Json);
  } catch (e) {
    const why = e instanceof OvsdbError || e instanceof Error ? e.message : String(e);
    throw new DatabaseLoadError(`${path}: bad schema: ${why}`);
  }
  const content = replayRecords(opened.schema, opened.transactions, path);
  const db = new Database(schema);
  const changes: RowChange[] = [];
  for (const table of schema.tables.values()) {
    for (const [uuid, json] of content.get(table.name) ?? []) {
      try {
        changes.push({ table, uuid, old: null, new: rowFromJson(table, uuid, randomUuid(random), json), changedColumns: null });
      } catch (e) {
        throw new DatabaseLoadError(`${path}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  if (changes.length) {
    db.apply({ baseGeneration: 0, changes, comments: [], durable: false, onlyEphemeral: false });
  }
  return { schema, db, log: opened.log, warnings: opened.warnings };
}
