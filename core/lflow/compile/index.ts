// Logical flows to OpenFlow (issue "logical flow language" parts 3-4): compileLogicalFlow() turns one
// Southbound Logical_Flow into FlowMods exactly as ovn-controller 23.03 would (match.ts: expression to
// masked OXM matches and conjunctive matches, via to-matches.ts and ovs-encodable.ts; actions*.ts: every action to OpenFlow actions).
export { ofTables, idAllocator, logPipelineTablesCount, type CompileContext, type Pipeline } from './context';
export { compileMatch, evaluateConditions, maxMatchesPerFlowCount, type CompiledMatch, type FieldMatch, type ConjunctionRef } from './match';
export { encodeActions } from './actions';
export { compileLogicalFlow, lflowCookie, type LogicalFlow, type CompiledFlow } from './flow';
export { actionOpcodes } from './controller-op';
