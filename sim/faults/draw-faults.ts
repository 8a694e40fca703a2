// Draws a fault schedule from a seed: a sequence of fault episodes (partition → heal, crash → restart,
// pause → resume, one-way block → heal, clock step), each well-formed, spread over the run.

import type { Random } from '../../core/runtime/random';
import type { Fault } from './fault-schedule';
import { assert } from '../../core/util/assert';

export type EpisodeKind = 'partition' | 'one-way' | 'crash' | 'pause' | 'clock';

export interface DrawOptions {
  hosts: readonly string[];
  durationMs: number;
  episodes: number;
  kinds?: readonly EpisodeKind[];
  /** Longest time one episode lasts before it is undone. */
  maxEpisodeMs?: number;
  /** Whether crashes may tear the last unsynced write. */
  tornWrites?: boolean;
}

export const maxEpisodesPerSchedule = 10_000;

export function drawFaultSchedule(random: Random, options: DrawOptions): Fault[] {
  const { hosts, durationMs, episodes } = options;
  assert(hosts.length >= 2, 'drawFaultSchedule: need at least two hosts');
  assert(episodes >= 0 && episodes <= maxEpisodesPerSchedule, () => `drawFaultSchedule: ${episodes} episodes is out of range`);
  const kinds = options.kinds ?? ['partition', 'one-way', 'crash', 'pause', 'clock'];
  const maxEpisodeMs = options.maxEpisodeMs ?? durationMs / 4;
  const faults: Fault[] = [];
  // Episodes run one after another so that undoing one never undoes another.
  const slotMs = durationMs / Math.max(1, episodes);
  for (let i = 0; i < episodes; i++) {
    const start = Math.round(i * slotMs + random.next() * slotMs * 0.3);
    const end = Math.round(Math.min(start + 1 + random.next() * maxEpisodeMs, (i + 1) * slotMs));
    const kind = random.pick(kinds);
    const host = random.pick(hosts);
    switch (kind) {
      case 'partition': {
        const shuffled = hosts.map((h) => ({ h, k: random.next() })).sort((a, b) => a.k - b.k).map((x) => x.h);
        const cut = 1 + random.int(hosts.length - 1);
        faults.push({ atMs: start, kind: 'partition', groups: [shuffled.slice(0, cut), shuffled.slice(cut)] });
        faults.push({ atMs: end, kind: 'heal' });
        break;
      }
      case 'one-way': {
        const other = random.pick(hosts.filter((h) => h !== host));
        faults.push({ atMs: start, kind: 'block-one-way', from: host, to: other });
        faults.push({ atMs: end, kind: 'heal' });
        break;
      }
      case 'crash':
        faults.push({ atMs: start, kind: 'crash', host, tearLastWrite: (options.tornWrites ?? true) && random.chance(0.5) });
        faults.push({ atMs: end, kind: 'restart', host });
        break;
      case 'pause':
        faults.push({ atMs: start, kind: 'pause', host });
        faults.push({ atMs: end, kind: 'resume', host });
        break;
      case 'clock':
        faults.push({ atMs: start, kind: 'clock', host, skewMs: random.intBetween(-5000, 5000), driftPpm: random.intBetween(-200, 200) });
        break;
    }
  }
  return faults;
}
