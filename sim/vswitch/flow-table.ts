// OpenFlow tables 0..254: flows with priorities and masked matches, flow_mod semantics (add, modify and
// delete, strict and not, cookie masks, out_port/out_group filters), counters and conjunctive matches.
//
// Lookup order: highest priority first; among equal priorities whose matches overlap (OpenFlow leaves the
// choice undefined) the flow added first wins, so a run is reproducible. Conjunctive matches follow OVS
// (ovs-fields "Conjunctive Match Fields"): a conjunction(id,k/n) flow that matches satisfies clause k of `id`
// at its priority; when every clause of `id` is satisfied at a priority above the best ordinary match, the
// table is searched again with conj_id=id and that result (a flow matching conj_id=id) is used.
import {
  ofpfc, type Action, type FlowMod, type Instruction, type Match, type OxmEntry,
} from '../../core/openflow';
import { assert } from '../../core/util/assert';
import { bytesToBig, compileFieldTest, fieldParts, S, testsHold, type SlotTest, type Slots } from './fields';

export const tableCount = 255;
export const maxFlowsPerTable = 1_000_000;

export interface Flow {
  readonly tableId: number;
  readonly priority: number;
  readonly match: Match;
  readonly tests: readonly SlotTest[];
  /** Canonical text of the match (field=value/mask sorted) for strict comparisons. */
  readonly matchKey: string;
  cookie: bigint;
  instructions: readonly Instruction[];
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly flags: number;
  readonly importance: number;
  /** Conjunction actions when the flow's only actions are conjunction(...). */
  conjunctions: readonly { id: number; clause: number; nClauses: number }[];
  /** Insertion sequence: the tie-break among equal priorities. */
  readonly seq: number;
  createdMs: number;
  usedMs: number;
  nPackets: number;
  nBytes: number;
}

export class FlowModError extends Error {
  constructor(readonly code: 'bad_table' | 'table_full' | 'bad_match' | 'bad_command' | 'overlap', message: string) {
    super(message);
  }
}

function entryValue(e: OxmEntry): { v: bigint; m: bigint } {
  const v = bytesToBig(e.value);
  const width = BigInt(e.value.length * 8);
  const m = e.mask ? bytesToBig(e.mask) : (1n << width) - 1n;
  return { v: v & m, m };
}

export function compileMatch(match: Match): { tests: SlotTest[]; key: string } {
  const tests: SlotTest[] = [];
  const keys: string[] = [];
  for (const e of match) {
    const { v, m } = entryValue(e);
    tests.push(...compileFieldTest(fieldParts(e.field), v, m));
    keys.push(`${e.field.name}=${v.toString(16)}/${m.toString(16)}`);
  }
  return { tests, key: keys.sort().join(',') };
}

/** Does flow match `f` (non-strict flow_mod/delete semantics): every field it constrains is constrained
 * at least as tightly by `f` with the same value. */
function subsumes(filter: readonly SlotTest[], flowTests: readonly SlotTest[]): boolean {
  for (const t of filter) {
    let covered = 0n;
    let ok = true;
    for (const u of flowTests) {
      if (u.slot !== t.slot) continue;
      const um = BigInt.asUintN(128, BigInt(u.mask));
      const tm = BigInt.asUintN(128, BigInt(t.mask));
      const common = um & tm;
      if ((BigInt(u.value) & common) !== (BigInt(t.value) & common)) ok = false;
      covered |= um;
    }
    if (!ok) return false;
    if ((BigInt.asUintN(128, BigInt(t.mask)) & ~covered) !== 0n) return false;
  }
  return true;
}

export function actionsOf(instructions: readonly Instruction[]): Action[] {
  const out: Action[] = [];
  for (const i of instructions) if (i.type === 'apply_actions' || i.type === 'write_actions') out.push(...i.actions);
  return out;
}

function outputsTo(flow: Flow, port: number, group: number): boolean {
  const any = 0xffffffff;
  if (port === any && group === any) return true;
  return actionsOf(flow.instructions).some((a) =>
    (port !== any && a.type === 'output' && a.port === port) || (group !== any && a.type === 'group' && a.groupId === group));
}

/** A table's flows split by the value of the slot most of them match exactly (OVN: metadata, in_port, a
 * register), so a lookup only visits flows that can match. Built lazily after a change. */
interface TableIndex { readonly slot: number; readonly buckets: Map<number, Flow[]>; readonly rest: Flow[] }
/** Tables smaller than this are scanned without an index. */
export const indexMinFlowsCount = 8;
const noFlows: Flow[] = [];

function exactSlot(f: Flow, slot: number): number | undefined {
  for (const t of f.tests) if (t.slot === slot && t.mask === -1) return t.value;
  return undefined;
}

function buildIndex(t: readonly Flow[]): TableIndex | null {
  if (t.length < indexMinFlowsCount) return null;
  const counts = new Map<number, number>();
  for (const f of t) for (const x of f.tests) if (x.mask === -1) counts.set(x.slot, (counts.get(x.slot) ?? 0) + 1);
  let best = -1;
  let bestCount = 0;
  for (const [slot, n] of counts) if (n > bestCount) { best = slot; bestCount = n; }
  if (bestCount < t.length / 2) return null;
  const buckets = new Map<number, Flow[]>();
  const rest: Flow[] = [];
  for (const f of t) {
    const v = exactSlot(f, best);
    if (v === undefined) { rest.push(f); continue; }
    let b = buckets.get(v);
    if (!b) buckets.set(v, (b = []));
    b.push(f);
  }
  return { slot: best, buckets, rest };
}

export class FlowTables {
  private readonly tables: Flow[][] = Array.from({ length: tableCount }, () => []);
  private readonly indexes: (TableIndex | null | undefined)[] = new Array(tableCount);
  private seq = 0;
  /** Bumped on every change: caches compare it. */
  generation = 0;

  table(id: number): readonly Flow[] {
    return this.tables[id] ?? [];
  }

  allFlows(): Flow[] {
    return this.tables.flat();
  }

  /** Applies a flow_mod; returns the flows it removed (for flow-removed notices). Throws FlowModError. */
  apply(fm: FlowMod, nowMs: number): Flow[] {
    const all = fm.tableId === 0xff;
    if (!all && fm.tableId >= tableCount) throw new FlowModError('bad_table', `table ${fm.tableId} does not exist (0..254)`);
    let compiled: { tests: SlotTest[]; key: string };
    try {
      compiled = compileMatch(fm.match);
    } catch (e) {
      throw new FlowModError('bad_match', (e as Error).message);
    }
    const cookieOk = (f: Flow) => (f.cookie & fm.cookieMask) === (fm.cookie & fm.cookieMask);
    const selected = (strict: boolean) => {
      const out: Flow[] = [];
      const ids = all ? this.tables.map((_, i) => i) : [fm.tableId];
      for (const id of ids) {
        for (const f of this.tables[id]!) {
          const hit = strict ? f.priority === fm.priority && f.matchKey === compiled.key : subsumes(compiled.tests, f.tests);
          if (hit && cookieOk(f)) out.push(f);
        }
      }
      return out;
    };
    switch (fm.command) {
      case ofpfc.add: {
        if (all) throw new FlowModError('bad_table', 'add to table 255 (all)');
        const t = this.tables[fm.tableId]!;
        const existing = t.findIndex((f) => f.priority === fm.priority && f.matchKey === compiled.key);
        const flow = this.makeFlow(fm, compiled, nowMs);
        if (existing >= 0) {
          // OpenFlow: an identical flow is replaced (counters reset unless OFPFF_RESET_COUNTS is clear... OVS resets).
          t.splice(existing, 1);
        } else if (t.length >= maxFlowsPerTable) {
          throw new FlowModError('table_full', `table ${fm.tableId} has ${maxFlowsPerTable} flows`);
        }
        insertSorted(t, flow);
        this.indexes[fm.tableId] = undefined;
        this.generation++;
        return [];
      }
      case ofpfc.modify:
      case ofpfc.modifyStrict: {
        const hits = selected(fm.command === ofpfc.modifyStrict);
        for (const f of hits) {
          f.instructions = fm.instructions;
          f.conjunctions = conjunctionsOf(fm.instructions);
          this.indexes[f.tableId] = undefined;
        }
        if (hits.length > 0) this.generation++;
        return [];
      }
      case ofpfc.delete:
      case ofpfc.deleteStrict: {
        const hits = selected(fm.command === ofpfc.deleteStrict).filter((f) => outputsTo(f, fm.outPort, fm.outGroup));
        for (const f of hits) this.remove(f);
        return hits;
      }
      default:
        throw new FlowModError('bad_command', `flow_mod command ${fm.command} is not add/modify/delete`);
    }
  }

  remove(f: Flow): void {
    const t = this.tables[f.tableId]!;
    const i = t.indexOf(f);
    assert(i >= 0, `flow-table: removing a flow not in table ${f.tableId}`);
    t.splice(i, 1);
    this.indexes[f.tableId] = undefined;
    this.generation++;
  }

  /** Copy of every table (bundles restore it when a message fails). */
  snapshot(): Flow[][] {
    return this.tables.map((t) => [...t]);
  }
  restore(s: Flow[][]): void {
    for (let i = 0; i < tableCount; i++) this.tables[i] = s[i]!;
    this.indexes.fill(undefined);
    this.generation++;
  }

  private makeFlow(fm: FlowMod, compiled: { tests: SlotTest[]; key: string }, nowMs: number): Flow {
    return {
      tableId: fm.tableId, priority: fm.priority, match: fm.match, tests: compiled.tests, matchKey: compiled.key,
      cookie: fm.cookie, instructions: fm.instructions, idleTimeout: fm.idleTimeout, hardTimeout: fm.hardTimeout,
      flags: fm.flags, importance: fm.importance, conjunctions: conjunctionsOf(fm.instructions), seq: this.seq++,
      createdMs: nowMs, usedMs: nowMs, nPackets: 0, nBytes: 0,
    };
  }

  /** The flow a packet state hits in table `id` (conjunctive matching included), or undefined (miss). */
  lookup(id: number, s: Slots): Flow | undefined {
    const t = this.tables[id]!;
    let idx = this.indexes[id];
    if (idx === undefined) idx = this.indexes[id] = buildIndex(t);
    let a: readonly Flow[] = t;
    let b: readonly Flow[] = noFlows;
    if (idx) {
      const v = s[idx.slot];
      a = (v === undefined ? undefined : idx.buckets.get(v | 0)) ?? noFlows;
      b = idx.rest;
    }
    let conj: Map<string, Set<number>> | undefined;
    let best: Flow | undefined;
    // Merge the two priority-sorted lists (bucket and the flows the index cannot place).
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      let f: Flow;
      if (j >= b.length) f = a[i++]!;
      else if (i >= a.length) f = b[j++]!;
      else {
        const x = a[i]!;
        const y = b[j]!;
        if (x.priority > y.priority || (x.priority === y.priority && x.seq < y.seq)) { f = x; i++; } else { f = y; j++; }
      }
      if (best && f.priority < best.priority) break;
      if (!testsHold(s, f.tests)) continue;
      if (f.conjunctions.length === 0) {
        if (!best) best = f;
        continue;
      }
      conj ??= new Map();
      for (const c of f.conjunctions) {
        const k = `${f.priority}/${c.id}/${c.nClauses}`;
        let set = conj.get(k);
        if (!set) conj.set(k, (set = new Set()));
        set.add(c.clause);
      }
    }
    if (!conj) return best;
    // Complete conjunctions, highest priority first, then lowest id.
    const complete = [...conj].filter(([k, set]) => set.size === Number(k.split('/')[2]))
      .map(([k]) => { const [p, id] = k.split('/'); return { priority: Number(p), id: Number(id) }; })
      .filter((c) => !best || c.priority > best.priority)
      .sort((a, b) => b.priority - a.priority || a.id - b.id);
    const saved = s[S.conj_id];
    for (const c of complete) {
      s[S.conj_id] = c.id;
      const hit = t.find((f) => f.conjunctions.length === 0 && f.tests.some((x) => x.slot === S.conj_id) && testsHold(s, f.tests));
      if (hit && (!best || hit.priority >= best.priority)) return hit;
      s[S.conj_id] = saved;
    }
    return best;
  }
}

function conjunctionsOf(instructions: readonly Instruction[]): Flow['conjunctions'] {
  const acts = actionsOf(instructions);
  if (acts.length === 0 || !acts.every((a) => a.type === 'conjunction')) return [];
  return acts.map((a) => {
    if (a.type !== 'conjunction') throw new FlowModError('bad_match', 'unreachable');
    return { id: a.id, clause: a.clause, nClauses: a.nClauses };
  });
}

/** Keeps a table sorted by priority descending, then insertion order (the deterministic tie-break). */
function insertSorted(t: Flow[], f: Flow): void {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid]!.priority >= f.priority) lo = mid + 1;
    else hi = mid;
  }
  t.splice(lo, 0, f);
}
