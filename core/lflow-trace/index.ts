// ovn-trace in TypeScript: walks a microflow through the logical pipelines of a Southbound database.
//   model.ts       SB rows -> datapaths, ports, multicast groups and sorted, parsed logical flows
//   microflow.ts   the microflow expression -> one packet
//   walker.ts      table lookups, next/output, egress, multicast, patch ports (upstream trace__)
//   statements.ts  the other actions (ct_*, arp{}, icmp4{}, get_arp, put_dhcp_opts, ...)
//   nodes.ts       the trace tree and its --detailed / --summary / --minimal printings
//   trace.ts       one request end to end
export { buildTraceDb, findDatapath, friendlyText, shortenUuid, maxFlowsCount, type SbData, type SbDatapath, type SbPort, type SbMcGroup, type SbFlow, type SbMacBinding, type TraceDb, type Datapath, type Port, type Flow } from './model';
export { parseMicroflow, maxMicroflowOrDepth } from './microflow';
export { TracePacket } from './packet';
export { Walker, maxTableVisitsCount, type TraceOptions } from './walker';
export { printDetailed, printSummary, pruneSummary, pruneMinimal, type TraceNode, type NodeType } from './nodes';
export { parseCtFlags, parseLbDst, formatCtState, type LbDst } from './helpers';
export { runTrace, TraceError, type TraceRequest, type TraceResult, type TraceFormat } from './trace';
export { sbDataFromReplica, traceMonitorSelection } from './sb-replica';
