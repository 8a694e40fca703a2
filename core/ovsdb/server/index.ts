// The OVSDB server: databases served from standalone files or memory, JSON-RPC methods, monitors, locks.
export { OvsdbServer, defaultTcpProbeIntervalMs, type OvsdbServerOptions, type ServerStats } from './ovsdb-server';
export { ServedDatabase, defaultCompactionPolicy, defaultTxnHistoryMax, type CompactionPolicy, type ServedDatabaseOptions } from './served-database';
export { loadDatabase, DatabaseLoadError, type LoadedDatabase } from './load-database';
export { changeSetToRecord, snapshotRecord } from './log-record';
export { datumDiff } from './datum-diff';
export { ClientSession } from './client-session';
export { Replica } from './replica';
