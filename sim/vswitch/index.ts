// sim/vswitch: a software OVS bridge for the simulator (OpenFlow 1.5 tables, groups, conntrack with NAT,
// Geneve tunnel ports, packet-in/out with continuations, ofproto/trace-like tracing, a translation cache).
// Differentially tested against ovs-vswitchd (differential.test.ts).
export * from './bridge';
export * from './conntrack';
export { ctBits, slotCount, type Slots } from './fields';
export * from './flow-table';
export * from './groups';
export * from './openflow-channel';
export * from './ports';
export * from './xlate';
export * from './packet-in2';
