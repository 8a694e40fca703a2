// The Node adapters: core/runtime's interfaces over Node's clock, crypto, sockets and files.
export { NodeClock, type NodeClockOptions } from './node-clock';
export { createNodeRandom, freshSeed, SeedError } from './node-random';
export { NodeTransport, TransportError, type NodeTransportOptions } from './node-transport';
export { NodeConnection } from './node-connection';
export { NodeStorage, type NodeStorageOptions } from './node-storage';
export { createNodeRuntime, type NodeRuntime, type NodeRuntimeOptions, type LogSink } from './node-runtime';
export { formatVlogLine, vlogLevelNames } from './vlog-format';
