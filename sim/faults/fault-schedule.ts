// Fault schedules as data: a list of timed faults, applied to a world by scheduling each one. A schedule can
// be written by hand (a scenario file) or drawn from the seed (drawFaultSchedule), and printed back as JSON
// for a replay.

import type { SimWorld } from '../world';
import type { WireFaults } from '../net/l2-segment';
import { unreachable } from '../../core/util/assert';

export type Fault =
  | { atMs: number; kind: 'partition'; groups: string[][] }
  | { atMs: number; kind: 'block-one-way'; from: string; to: string }
  | { atMs: number; kind: 'heal' }
  | { atMs: number; kind: 'crash'; host: string; tearLastWrite?: boolean }
  | { atMs: number; kind: 'restart'; host: string }
  | { atMs: number; kind: 'pause'; host: string }
  | { atMs: number; kind: 'resume'; host: string }
  | { atMs: number; kind: 'clock'; host: string; skewMs?: number; driftPpm?: number }
  | { atMs: number; kind: 'corrupt-sector'; host: string; path: string; sector: number }
  | { atMs: number; kind: 'wire'; segment: string; faults: WireFaults };

export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'partition': return `partition ${f.groups.map((g) => `{${g.join(',')}}`).join(' ')}`;
    case 'block-one-way': return `block ${f.from} -> ${f.to}`;
    case 'heal': return 'heal all partitions';
    case 'crash': return `crash ${f.host}${f.tearLastWrite ? ' tearing its last write' : ''}`;
    case 'restart': return `restart ${f.host}`;
    case 'pause': return `pause ${f.host}`;
    case 'resume': return `resume ${f.host}`;
    case 'clock': return `clock of ${f.host}: skew ${f.skewMs ?? 0} ms, drift ${f.driftPpm ?? 0} ppm`;
    case 'corrupt-sector': return `corrupt sector ${f.sector} of ${f.host}:${f.path}`;
    case 'wire': return `segment ${f.segment} faults ${JSON.stringify(f.faults)}`;
    default: return unreachable(f, 'fault kind');
  }
}

export function applyFault(world: SimWorld, f: Fault): void {
  world.sim.record('fault', describeFault(f));
  switch (f.kind) {
    case 'partition': return world.partitions.partition(f.groups);
    case 'block-one-way': return world.partitions.blockOneWay(f.from, f.to);
    case 'heal': return world.partitions.heal();
    case 'crash': return world.host(f.host).crash({ tearLastWrite: f.tearLastWrite ?? false });
    case 'restart': return world.host(f.host).state === 'down' ? world.host(f.host).restart() : undefined;
    case 'pause': return world.host(f.host).pause();
    case 'resume': return world.host(f.host).resume();
    case 'clock': {
      const clock = world.host(f.host).clock;
      if (f.skewMs !== undefined) clock.setSkewMs(f.skewMs);
      if (f.driftPpm !== undefined) clock.setDriftPpm(f.driftPpm);
      return;
    }
    case 'corrupt-sector': {
      const host = world.host(f.host);
      return host.disk.corruptSector(f.path, f.sector, world.sim.random.fork(`corrupt-${f.host}-${f.atMs}`));
    }
    case 'wire': return world.segment(f.segment).setFaults(f.faults);
    default: return unreachable(f, 'fault kind');
  }
}

/** Schedules every fault at its time (relative to virtual time 0; faults in the past run at once). */
export function applyFaultSchedule(world: SimWorld, faults: readonly Fault[]): void {
  for (const f of faults) {
    world.sim.scheduleAt(Math.max(f.atMs, world.sim.now), () => applyFault(world, f));
  }
}
