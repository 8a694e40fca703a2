// The OVSDB IDL: a client-side replica of a database kept in sync with a server, with transactions.
export { IdlClient, conditionAnyOf, type IdlOptions, type IdlCallbacks, type IdlState } from './client';
export { Replica, rowsEqual, changedColumns, type ReplicaRow, type TrackedChange, type ChangeKind, type UpdateProblem } from './replica';
export { IdlTxn, randomUuid, rowName, maxTxnOperations, type TxnResult, type TxnStatus } from './txn';
export { interpretTransactReply } from './txn-reply';
export { ConditionTracker, conditionsEqual, type ConditionJson } from './conditions';
export { RemoteRotation, reconnectBackoffMinMs, reconnectBackoffMaxMs, connectAttemptMinTimeoutMs, type BackoffOptions } from './reconnect';
export { IdlLock } from './lock';
export { parseTableUpdates, applyDatumDiff, UpdateFormatError, type RowUpdate, type MonitorVersion } from './updates';
export { checkServerDatabase, schemaColumns, serverDbColumns, serverDbName, type ServerCheck } from './server-db';
export { TxnSender, maxInFlightTxns, maxAwaitingSync } from './txn-sender';
export { composeMonitorRequests, validateMonitorSelection, isMonitored, type MonitorSelection } from './monitor-request';
export { RowInterner } from './row-interner';
