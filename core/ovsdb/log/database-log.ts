// A standalone OVSDB database file on a Storage: open (read + verify), append transaction records, commit
// (fsync), and compact online. The file is byte-compatible with upstream: ovsdb-tool and ovsdb-server read
// what this writes, and this reads what they write.
//
// Durability: append() only makes a record visible; commit() (or append with durable: true) fsyncs it.
// create() and compact() write a temporary file, fsync it and rename it over the target (atomic and durable
// per the Storage contract), so a crash leaves either the old or the new file, never a mix.
//
// Opening a file whose last record is torn (a crash mid-append) truncates that record, fsyncs, and returns a
// warning naming the offset and what was cut. Corruption before the last record, a missing or invalid schema
// record, or a clustered file is an error (LogError) naming the file and offset.

import type { Storage } from '../../runtime/storage';
import { isJsonObject, getMember, type JsonValue } from '../../json/value';
import { assert } from '../../util/assert';
import { encodeRecord, LogError, scanLog, type LogRecord } from './record-codec';

export interface OpenedLog {
  readonly log: DatabaseLog;
  readonly schema: JsonValue;
  /** Records after the schema, in file order. */
  readonly transactions: LogRecord[];
  /** Human-readable warnings (e.g. a torn tail that was truncated). */
  readonly warnings: string[];
}

export function tempPathFor(path: string): string {
  return `${path}.tmp`;
}

function checkSchema(json: JsonValue, path: string, offset: number): void {
  if (!isJsonObject(json) || typeof getMember(json, 'name') !== 'string' || !isJsonObject(getMember(json, 'tables'))) {
    throw new LogError(path, offset, 'first record is not a database schema (an object with "name" and "tables")');
  }
}

export class DatabaseLog {
  private sizeBytes: number;
  private unsyncedBytes = 0;
  /** Set when a write failed: the file's tail is uncertain, so every later write fails too (as upstream). */
  private writeError: Error | null = null;

  private constructor(
    readonly storage: Storage,
    readonly path: string,
    size: number,
  ) {
    this.sizeBytes = size;
  }

  /** Creates a new database file holding just `schema`. Throws when the file exists. */
  static create(storage: Storage, path: string, schema: JsonValue): DatabaseLog {
    if (storage.exists(path)) throw new LogError(path, 0, 'cannot create database: file exists');
    checkSchema(schema, path, 0);
    const bytes = encodeRecord(schema);
    writeAtomically(storage, path, bytes);
    return new DatabaseLog(storage, path, bytes.length);
  }

  /** Reads and verifies the file; truncates a torn tail (with a warning). */
  static open(storage: Storage, path: string): OpenedLog {
    const bytes = storage.read(path);
    if (bytes === null) throw new LogError(path, 0, 'no such database file');
    const scanned = scanLog(bytes, path);
    const warnings: string[] = [];
    if (scanned.records.length === 0) {
      const why = scanned.tornTail ? `: ${scanned.tornTail.problem}` : '';
      throw new LogError(path, 0, `file holds no complete schema record${why}`);
    }
    const [schemaRecord, ...transactions] = scanned.records;
    checkSchema(schemaRecord!.json, path, schemaRecord!.offset);
    if (scanned.tornTail) {
      const cut = bytes.length - scanned.validLength;
      warnings.push(`${path}: truncating ${cut} bytes of torn record at byte ${scanned.tornTail.offset} (${scanned.tornTail.problem})`);
      storage.truncate(path, scanned.validLength);
      storage.fsync(path);
    }
    return { log: new DatabaseLog(storage, path, scanned.validLength), schema: schemaRecord!.json, transactions, warnings };
  }

  /** Current file size in bytes. */
  get size(): number {
    return this.sizeBytes;
  }

  /** Bytes appended since the last fsync. */
  get pendingBytes(): number {
    return this.unsyncedBytes;
  }

  /** Appends one transaction record; with durable, fsyncs before returning. Returns the record's offset. */
  append(record: JsonValue, options: { durable: boolean }): number {
    assert(isJsonObject(record), 'DatabaseLog.append: a transaction record must be a JSON object');
    this.checkWritable();
    const bytes = encodeRecord(record);
    const offset = this.sizeBytes;
    try {
      this.storage.append(this.path, bytes);
    } catch (e) {
      // Remove whatever part of the record got written, then refuse further writes.
      try {
        this.storage.truncate(this.path, offset);
      } catch {
        // Nothing more can be done; the reader will treat a partial record at the end as a torn tail.
      }
      this.failWrites(e);
    }
    this.sizeBytes += bytes.length;
    this.unsyncedBytes += bytes.length;
    if (options.durable) this.commit();
    return offset;
  }

  /** Makes every appended record durable. */
  commit(): void {
    this.checkWritable();
    if (this.unsyncedBytes === 0) return;
    try {
      this.storage.fsync(this.path);
    } catch (e) {
      this.failWrites(e);
    }
    this.unsyncedBytes = 0;
  }

  /**
   * Replaces the file with `schema` plus one record holding the whole current content (built by the caller,
   * e.g. with buildTransactionRecord + snapshotRecordChanges), as `ovsdb-tool compact` does.
   */
  compact(schema: JsonValue, snapshotRecord: JsonValue): void {
    checkSchema(schema, this.path, 0);
    assert(isJsonObject(snapshotRecord), 'DatabaseLog.compact: the snapshot record must be a JSON object');
    const head = encodeRecord(schema);
    const body = encodeRecord(snapshotRecord);
    const bytes = new Uint8Array(head.length + body.length);
    bytes.set(head);
    bytes.set(body, head.length);
    this.checkWritable();
    // A failed compaction leaves the old file in place (the rename never happened), still appendable.
    writeAtomically(this.storage, this.path, bytes);
    this.sizeBytes = bytes.length;
    this.unsyncedBytes = 0;
  }

  private checkWritable(): void {
    if (this.writeError) throw new LogError(this.path, this.sizeBytes, `an earlier write failed: ${this.writeError.message}`);
  }

  private failWrites(cause: unknown): never {
    this.writeError = cause instanceof Error ? cause : new Error(String(cause));
    throw new LogError(this.path, this.sizeBytes, `write failed: ${this.writeError.message}`);
  }
}

/** temp file + fsync + atomic rename (durable on return, per the Storage contract). */
function writeAtomically(storage: Storage, path: string, bytes: Uint8Array): void {
  const temp = tempPathFor(path);
  storage.write(temp, bytes);
  storage.fsync(temp);
  storage.rename(temp, path);
}
