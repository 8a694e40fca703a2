// The simulator's public surface.
export { Simulator, SimulationError, type RunLimits } from './kernel/simulator';
export { Trace } from './kernel/trace';
export { SimWorld, type WorldOptions } from './world';
export { SimHost, type HostProgram, type HostOptions, type HostState } from './host/sim-host';
export { SimDisk } from './disk/sim-disk';
export { StreamNetwork, type StreamNetworkOptions } from './net/stream-network';
export { L2Segment, type WireFaults } from './net/l2-segment';
export { PartitionTable } from './net/partitions';
export type { LatencyModel } from './net/latency';
export { applyFault, applyFaultSchedule, describeFault, type Fault } from './faults/fault-schedule';
export { drawFaultSchedule, type DrawOptions, type EpisodeKind } from './faults/draw-faults';
