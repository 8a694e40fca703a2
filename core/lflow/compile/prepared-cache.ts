// A cache of prepared logical flows (flow.ts PreparedFlow: matches and actions before the datapath's last
// step), reused across datapaths, recomputes and chassis - the role of upstream ovn-controller's lflow
// cache, made safe without an invalidation graph: preparing a flow records every value it read from its
// world (ports, port groups, address sets, is_chassis_resident, tunnels, group and meter ids, the datapath
// key) and a later use re-reads each one and takes the entry only if every value is the same. What a
// preparation reads depends only on the flow's text and those values, so equal reads mean an equal result.
// The fixed part of the world (switch or router, the NAT zone register, controller meter, collector sets)
// is part of the key instead.
//
// An entry also keeps the flows it was emitted as (EmittedFlow: OpenFlow flow, logical flow, datapath) per
// datapath and locality answers (which inport/outport keys are related on the chassis), so chassis that see
// a flow alike share the very same flow objects (DESIGN 3a: a switch's tables point at shared flows). Their
// match entries go through the cache's OxmInterner, one object per content (bounded by oxmInternEntriesMax;
// sweep() does not empty it: entries are few and small).
//
// Entries are kept per logical flow (by UUID; a row whose texts changed starts afresh), at most
// entriesPerFlowMax each (oldest out), and at most emittedVariantsPerEntryMax emitted variants each;
// sweep() drops what no lookup has used since the previous sweep.
import type { FlowMod } from '../../openflow';
import { OxmInterner } from '../../openflow/oxm-intern';
import type { NameLookup } from '../lookup';
import type { Symtab } from '../symtab';
import type { CompileContext } from './context';
import type { ParsedLogicalFlow, PreparedFlow } from './flow';

/** One value a preparation read, and what it got. */
export type PrepareRead =
  | { readonly kind: 'port' | 'tunnel' | 'group' | 'meter'; readonly name: string; readonly value: number | undefined }
  | { readonly kind: 'resident'; readonly name: string; readonly value: boolean }
  | { readonly kind: 'portGroup' | 'addressSet'; readonly name: string; readonly value: readonly string[] | undefined }
  | { readonly kind: 'datapathKey'; readonly value: number };

/** The world a preparation reads, as the cache sees it. */
export interface PrepareWorld {
  readonly ctx: CompileContext;
  readonly names: NameLookup;
  readonly datapathKey: number;
}

/** Bound on the variants kept for one logical flow (a flow read differently per datapath or chassis). */
export const entriesPerFlowMax = 64;
/** Bound on the emitted variants kept per entry (one per datapath of a group, times locality answers). */
export const emittedVariantsPerEntryMax = 1024;

/** One OpenFlow flow a chassis installs, with the logical flow and datapath it comes from. */
export interface EmittedFlow {
  readonly lflowUuid: string;
  readonly datapathKey: number;
  readonly flowMod: FlowMod;
}

/** What emitting a prepared flow on one datapath gave, and the locality answers it depended on. */
export interface Emitted {
  readonly flows: readonly EmittedFlow[];
  /** (port tunnel key, related here?) in the order they were asked. */
  readonly localReads: ReadonlyArray<readonly [number, boolean]>;
  /** Highest conjunction id the flows use (0: none). */
  readonly maxConjId: number;
}

export interface CacheEntry {
  readonly env: string;
  readonly reads: readonly PrepareRead[];
  readonly prepared: PreparedFlow;
  /** The first conjunction id the preparation used (ctx.conjIdBase then). */
  readonly conjIdBase: number;
  /** Emitted variants by "datapath key|conjunction id shift|priority". */
  readonly emitted: Map<string, Emitted[]>;
  emittedCount: number;
}

/** What preparing a flow reads of its Logical_Flow row. */
export interface CachedFlowRow {
  readonly uuid: string;
  readonly pipeline: string;
  readonly tableId: number;
  readonly match: string;
  readonly actions: string;
}

interface FlowEntries {
  row: CachedFlowRow;
  parsed: ParsedLogicalFlow | undefined;
  entries: CacheEntry[];
  usedSinceSweep: boolean;
}

export interface PreparedCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly flows: number;
  readonly entries: number;
}

export class PreparedFlowCache {
  /** Preparations depend on the symbol table: a cache serves one. */
  constructor(readonly symtab: Symtab) {}

  /** Match entries of the flows emitted through this cache, one object per content. */
  readonly interner = new OxmInterner();

  private readonly byFlow = new Map<string, FlowEntries>();
  private hits = 0;
  private misses = 0;

  /** The parsed texts of a flow, parsing them (through `parse`) at most once while the flow is cached. */
  parsed<T extends ParsedLogicalFlow | Error>(row: CachedFlowRow, parse: () => T): T | ParsedLogicalFlow {
    const f = this.flow(row);
    if (f.parsed) return f.parsed;
    const p = parse();
    if (!(p instanceof Error)) f.parsed = p;
    return p;
  }

  /** A prepared flow whose reads all hold in `world`, with the conjunction id base it was prepared at. */
  lookup(row: CachedFlowRow, env: string, world: PrepareWorld): CacheEntry | undefined {
    const f = this.byFlow.get(row.uuid);
    if (f && sameRow(f.row, row)) {
      f.usedSinceSweep = true;
      for (const e of f.entries) {
        if (e.env === env && readsHold(e.reads, world)) {
          this.hits++;
          return e;
        }
      }
    }
    this.misses++;
    return undefined;
  }

  store(row: CachedFlowRow, env: string, reads: readonly PrepareRead[], prepared: PreparedFlow, conjIdBase: number): CacheEntry {
    const f = this.flow(row);
    if (f.entries.length >= entriesPerFlowMax) f.entries.shift();
    const entry: CacheEntry = { env, reads, prepared, conjIdBase, emitted: new Map(), emittedCount: 0 };
    f.entries.push(entry);
    return entry;
  }

  /**
   * The flows `entry` emits under `key` (datapath, conjunction id shift, priority): a kept variant whose
   * locality answers all hold under `isLocal`, else what `emit` makes (asking through the recording
   * isLocal it is handed), kept for next time.
   */
  emitted(
    entry: CacheEntry, key: string, isLocal: (portKey: number) => boolean,
    emit: (isLocal: (portKey: number) => boolean) => Omit<Emitted, 'localReads'>,
  ): Emitted {
    const variants = entry.emitted.get(key) ?? [];
    for (const v of variants) {
      if (v.localReads.every(([k, local]) => isLocal(k) === local)) return v;
    }
    const localReads: Array<readonly [number, boolean]> = [];
    const made = emit((k) => {
      const local = isLocal(k);
      localReads.push([k, local]);
      return local;
    });
    const v: Emitted = { ...made, localReads };
    if (entry.emittedCount >= emittedVariantsPerEntryMax) {
      // Full: forget all variants of this entry rather than track their age (a rare, bounded recompute).
      entry.emitted.clear();
      entry.emittedCount = 0;
    }
    entry.emitted.set(key, [...(entry.emitted.get(key) ?? []), v]);
    entry.emittedCount++;
    return v;
  }

  /** Drops the flows no lookup has used since the last sweep (the SB no longer has them). */
  sweep(): void {
    for (const [key, f] of this.byFlow) {
      if (!f.usedSinceSweep) this.byFlow.delete(key);
      else f.usedSinceSweep = false;
    }
  }

  stats(): PreparedCacheStats {
    let entries = 0;
    for (const f of this.byFlow.values()) entries += f.entries.length;
    return { hits: this.hits, misses: this.misses, flows: this.byFlow.size, entries };
  }

  private flow(row: CachedFlowRow): FlowEntries {
    let f = this.byFlow.get(row.uuid);
    if (!f || !sameRow(f.row, row)) {
      f = { row, parsed: undefined, entries: [], usedSinceSweep: true };
      this.byFlow.set(row.uuid, f);
    }
    f.usedSinceSweep = true;
    return f;
  }
}

/**
 * The world wrapped so that every read is recorded in `reads` (in order). The datapath key is read
 * through `datapathKey()`: only the actions that use it (sample()) make a preparation depend on it.
 */
export function recordingWorld(world: PrepareWorld, reads: PrepareRead[]): { ctx: CompileContext; names: NameLookup; datapathKey: () => number } {
  const { ctx, names } = world;
  /** `read`, with each answer appended to `reads` as made by `entry`. */
  const recorded = <V>(read: (name: string) => V, entry: (name: string, value: V) => PrepareRead) => (name: string): V => {
    const value = read(name);
    reads.push(entry(name, value));
    return value;
  };
  const tunnelOfport = ctx.tunnelOfport;
  return {
    ctx: {
      ...ctx,
      lookupPort: recorded((n) => ctx.lookupPort(n), (name, value) => ({ kind: 'port', name, value })),
      isChassisResident: recorded((n) => ctx.isChassisResident(n), (name, value) => ({ kind: 'resident', name, value })),
      groupId: recorded((n) => ctx.groupId(n), (name, value) => ({ kind: 'group', name, value })),
      meterId: recorded((n) => ctx.meterId(n), (name, value) => ({ kind: 'meter', name, value })),
      ...(tunnelOfport ? { tunnelOfport: recorded((n) => tunnelOfport(n), (name, value) => ({ kind: 'tunnel', name, value })) } : {}),
    },
    names: {
      addressSet: recorded((n) => names.addressSet(n), (name, value) => ({ kind: 'addressSet', name, value })),
      portGroup: recorded((n) => names.portGroup(n), (name, value) => ({ kind: 'portGroup', name, value })),
    },
    datapathKey: () => {
      reads.push({ kind: 'datapathKey', value: world.datapathKey });
      return world.datapathKey;
    },
  };
}

/** Whether reading `world` again gives every recorded value. */
export function readsHold(reads: readonly PrepareRead[], world: PrepareWorld): boolean {
  const { ctx, names } = world;
  for (const r of reads) {
    switch (r.kind) {
      case 'port':
        if (ctx.lookupPort(r.name) !== r.value) return false;
        break;
      case 'tunnel':
        if (ctx.tunnelOfport?.(r.name) !== r.value) return false;
        break;
      case 'group':
        if (ctx.groupId(r.name) !== r.value) return false;
        break;
      case 'meter':
        if (ctx.meterId(r.name) !== r.value) return false;
        break;
      case 'resident':
        if (ctx.isChassisResident(r.name) !== r.value) return false;
        break;
      case 'portGroup':
        if (!sameList(names.portGroup(r.name), r.value)) return false;
        break;
      case 'addressSet':
        if (!sameList(names.addressSet(r.name), r.value)) return false;
        break;
      case 'datapathKey':
        if (world.datapathKey !== r.value) return false;
        break;
    }
  }
  return true;
}

function sameRow(a: CachedFlowRow, b: CachedFlowRow): boolean {
  return a === b || (a.match === b.match && a.actions === b.actions && a.pipeline === b.pipeline && a.tableId === b.tableId);
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
