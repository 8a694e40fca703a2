// OVSDB JSON-RPC (RFC 7047 over JSON-RPC 1.0): message validation and the session.
export { parseJsonRpcMessage, jsonRpcToJson, formatJsonRpc, type JsonRpcMessage, type JsonRpcParse } from './message';
export { JsonRpcSession, defaultProbeIntervalMs, defaultMaxBacklogBytes, defaultMaxPendingRequests, probeEchoId, type JsonRpcSessionOptions, type JsonRpcHandlers, type IncomingRequest, type ReplyOutcome } from './session';
