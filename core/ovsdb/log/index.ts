// Upstream-compatible standalone OVSDB database files: record framing, transaction-record JSON, replay.
export { DatabaseLog, tempPathFor, type OpenedLog } from './database-log';
export { encodeRecord, scanLog, sha1Hex, LogError, standaloneMagic, clusteredMagic, maxRecordBytes, type LogRecord, type ScannedLog, type TornTail } from './record-codec';
export { buildTransactionRecord, parseTransactionRecord, TransactionRecordError, type ChangeSet, type RowJson, type TransactionRecord } from './transaction-record';
export { applyTransaction, diffRow, replayRecords, schemaShapes, snapshotRecordChanges, ReplayError, type ColumnShape, type DatabaseContent, type SchemaShapes } from './replay';
