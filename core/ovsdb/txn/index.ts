export { Database, TableStore } from './database';
export type { Row, SelectedColumn } from './row';
export { makeRow, rowToJson } from './row';
export type { ChangeSet, RowChange } from './change-set';
export { kindOf } from './change-set';
export { executeTransaction, transact, type TransactOptions, type TransactOutcome } from './execute';
export { parseCondition, evaluateCondition, type Condition } from './condition';
export { parseMutations, applyMutation, type Mutation } from './mutation';
