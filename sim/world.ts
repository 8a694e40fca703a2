// A simulated world: the kernel, the hosts, the stream network and the L2 segments, wired together.
// Scenarios and tests build one of these, add hosts and programs, apply a fault schedule and run it.

import { Simulator } from './kernel/simulator';
import { SimHost, type HostOptions, type HostProgram } from './host/sim-host';
import { PartitionTable } from './net/partitions';
import { StreamNetwork, type StreamNetworkOptions } from './net/stream-network';
import { L2Segment, type WireFaults } from './net/l2-segment';
import { assert } from '../core/util/assert';

export interface WorldOptions {
  seed: string | number;
  network?: StreamNetworkOptions;
}

export class SimWorld {
  readonly sim: Simulator;
  readonly partitions = new PartitionTable();
  readonly network: StreamNetwork;
  private readonly hostMap = new Map<string, SimHost>();
  private readonly segmentMap = new Map<string, L2Segment>();

  constructor(options: WorldOptions) {
    this.sim = new Simulator(String(options.seed));
    this.network = new StreamNetwork(this.sim, this.partitions, options.network);
    this.partitions.onChange(() => this.sim.record('net', `partitions: ${this.partitions.describe()}`));
  }

  addHost(name: string, options: HostOptions = {}): SimHost {
    assert(!this.hostMap.has(name), () => `host ${name} already exists`);
    const host = new SimHost(this.sim, name, (h) => this.network.transportFor(h), options);
    this.hostMap.set(name, host);
    this.network.addHost(host);
    return host;
  }

  /** Adds a host and starts its program at once. */
  spawn(name: string, program: HostProgram, options: HostOptions = {}): SimHost {
    const host = this.addHost(name, options);
    host.start(program);
    return host;
  }

  host(name: string): SimHost {
    const h = this.hostMap.get(name);
    assert(h !== undefined, () => `no host named ${name}`);
    return h;
  }

  get hosts(): readonly SimHost[] {
    return [...this.hostMap.values()];
  }

  addSegment(name: string, faults: WireFaults = {}): L2Segment {
    assert(!this.segmentMap.has(name), () => `segment ${name} already exists`);
    const segment = new L2Segment(this.sim, this.partitions, name, faults);
    this.segmentMap.set(name, segment);
    return segment;
  }

  segment(name: string): L2Segment {
    const s = this.segmentMap.get(name);
    assert(s !== undefined, () => `no segment named ${name}`);
    return s;
  }

  get traceHash(): string {
    return this.sim.trace.digest();
  }
}
