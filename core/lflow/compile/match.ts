// Match expressions to OpenFlow matches (upstream lib/expr.c expr_to_matches, as ovn-controller 23.03
// drives it from controller/lflow.c):
//   1. is_chassis_resident() conditions are decided for this hypervisor (expr_evaluate_condition).
//   2. A top-level AND of two or more ORs, each over a single field that may be a conjunctive dimension
//      (not must_crossproduct), becomes a conjunctive match: one flow per value with conjunction(id, k/n)
//      plus a conj_id=id flow, instead of the cross product of the ORs.
//   3. Everything else is put in disjunctive normal form (normalize.ts) and each conjunction becomes one
//      masked match over the OpenFlow fields the logical fields live in.
// Logical ports compare by tunnel key (a port unknown here matches nothing, as upstream drops the flow).
import { buildMatch, type Match } from '../../openflow';
import { LflowError } from '../errors';
import { combine, falseExpr, ones, trueExpr, type Expr } from '../expr';
import { normalize, type NormalizeOptions } from '../normalize';
import type { LogicalSymbol } from '../symtab';
import type { CompileContext } from './context';
import { unreachable } from '../../util/assert';

/** One value/mask per OpenFlow field (ovs-ofctl name), the form matches are merged and compared in. */
export type FieldMatch = ReadonlyMap<string, { readonly v: bigint; readonly m: bigint }>;

export interface ConjunctionRef {
  readonly id: number;
  /** 1-based, as ovs-ofctl writes it. */
  readonly clause: number;
  readonly nClauses: number;
}

export interface CompiledMatch {
  readonly fields: FieldMatch;
  readonly match: Match;
  /** Non-empty: this flow's actions are these conjunction() actions instead of the logical flow's. */
  readonly conjunctions: readonly ConjunctionRef[];
  /** Non-null: the flow matches conj_id=<id> (and carries the logical flow's actions). */
  readonly conjId: number | null;
}

/** Bound on the matches one logical flow may compile to (upstream has none; runaway input gets an error). */
export const maxMatchesPerFlowCount = 100_000;

/** Decides is_chassis_resident() for this hypervisor (upstream expr_evaluate_condition). */
export function evaluateConditions(e: Expr, isResident: (port: string) => boolean): Expr {
  switch (e.type) {
    case 'condition':
      return isResident(e.port) !== e.negated ? trueExpr : falseExpr;
    case 'and':
    case 'or':
      return combine(e.type, e.operands.map((o) => evaluateConditions(o, isResident)));
    case 'not':
      return { type: 'not', operand: evaluateConditions(e.operand, isResident) };
    default:
      return e;
  }
}

type Literal = Exclude<Expr, { type: 'and' | 'or' | 'not' | 'bool' }>;

export function compileMatch(annotated: Expr, ctx: CompileContext, options: NormalizeOptions = {}): CompiledMatch[] {
  const e = evaluateConditions(annotated, ctx.isChassisResident);
  const conj = conjunctive(e, ctx, options);
  if (conj) return conj;
  return dnfMatches(normalize(e, options), ctx).map((fields) => finish(fields, [], null));
}

function conjunctions(n: Expr): Literal[][] {
  if (n.type === 'bool') return n.value ? [[]] : [];
  if (n.type === 'or') return n.operands.map((o) => (o.type === 'and' ? (o.operands as Literal[]) : [o as Literal]));
  if (n.type === 'and') return [n.operands as Literal[]];
  return [[n as Literal]];
}

/** The field an OR of single == comparisons is over, if it may be a conjunctive dimension. */
function dimensionSymbol(n: Expr, ctx: CompileContext): LogicalSymbol | null {
  if (n.type !== 'or') return null;
  let sym: LogicalSymbol | null = null;
  for (const o of n.operands) {
    if (o.type !== 'cmp' || o.relop !== '==') return null;
    const root = ctx.symtab.place(o.symbol).root;
    if (root.crossproduct || (sym !== null && sym !== root)) return null;
    sym = root;
  }
  return sym;
}

function conjunctive(e: Expr, ctx: CompileContext, options: NormalizeOptions): CompiledMatch[] | null {
  if (e.type !== 'and') return null;
  const dims: { sym: LogicalSymbol; values: Literal[][] }[] = [];
  const common: Expr[] = [];
  for (const o of e.operands) {
    const n = normalize(o, options);
    const sym = dimensionSymbol(n, ctx);
    // Two ORs over one field are intersected by the cross product, as upstream does.
    if (sym && !dims.some((d) => d.sym === sym)) dims.push({ sym, values: conjunctions(n) });
    else common.push(o);
  }
  if (dims.length < 2) return null;
  const base = ctx.conjIdBase ?? 1;
  const out: CompiledMatch[] = [];
  let id = base;
  for (const c of dnfMatches(normalize(combine('and', common), options), ctx)) {
    out.push(finish(c, [], id));
    dims.forEach((d, k) => {
      for (const v of d.values) {
        for (const f of expandConjunction(v, ctx, c, 0)) {
          out.push(finish(f, [{ id, clause: k + 1, nClauses: dims.length }], null));
        }
      }
    });
    id++;
  }
  return mergeDuplicates(out);
}

/** Identical matches merge: conjunction actions accumulate; a plain flow absorbs them (expr_match_add). */
function mergeDuplicates(ms: CompiledMatch[]): CompiledMatch[] {
  const byKey = new Map<string, CompiledMatch>();
  for (const m of ms) {
    const key = `${m.conjId ?? ''}|${fieldKey(m.fields)}`;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, m);
    } else if (prev.conjunctions.length > 0 && m.conjunctions.length > 0) {
      byKey.set(key, { ...prev, conjunctions: [...prev.conjunctions, ...m.conjunctions] });
    } else {
      byKey.set(key, { ...prev, conjunctions: [] });
    }
  }
  return [...byKey.values()];
}

export function fieldKey(f: FieldMatch): string {
  return [...f.keys()].sort().map((k) => `${k}=${f.get(k)!.v.toString(16)}/${f.get(k)!.m.toString(16)}`).join(',');
}

function finish(fields: FieldMatch, conjunctions: ConjunctionRef[], conjId: number | null): CompiledMatch {
  return { fields, match: toMatch(fields, conjId, null), conjunctions, conjId };
}

/**
 * The OXM match of a field match (plus conj_id and the datapath's metadata when given). OVS keeps ICMPv6
 * type/code in the same flow slot as ICMPv4 (icmp_type/icmp_code) and the DSCP in nw_tos, so the encoder
 * reads them from there.
 */
export function toMatch(fields: FieldMatch, conjId: number | null, metadata: bigint | null): Match {
  const rec: Record<string, readonly [bigint, bigint]> = {};
  if (metadata !== null) rec.metadata = [metadata, ones(64)];
  for (const [k, { v, m }] of fields) {
    if (k === 'icmpv6_type') rec.icmp_type = [v, m];
    else if (k === 'icmpv6_code') rec.icmp_code = [v, m];
    else if (k === 'ip_dscp') rec.nw_tos = [v << 2n, (m << 2n) & 0xfcn];
    else rec[k] = [v, m];
  }
  if (conjId !== null) rec.conj_id = [BigInt(conjId), 0xffffffffn];
  return buildMatch(rec);
}

/** Each conjunction of a normalized expression as a field match (contradictions and unknown ports drop). */
function dnfMatches(n: Expr, ctx: CompileContext): FieldMatch[] {
  const out: FieldMatch[] = [];
  for (const c of conjunctions(n)) out.push(...expandConjunction(c, ctx, new Map(), out.length));
  return out;
}

/** The matches of one conjunction of literals added to `base` (several when a literal is a != test). */
function expandConjunction(c: Literal[], ctx: CompileContext, base: FieldMatch, already: number): FieldMatch[] {
  let partial: Map<string, { v: bigint; m: bigint }>[] = [new Map(base)];
  for (const lit of c) {
    const alternatives = literalAlternatives(lit, ctx);
    const next: Map<string, { v: bigint; m: bigint }>[] = [];
    for (const p of partial) {
      for (const alt of alternatives) {
        const q = new Map(p);
        if (alt === null || put(q, alt[0], alt[1], alt[2])) next.push(q);
      }
    }
    partial = next;
    if (partial.length + already > maxMatchesPerFlowCount) {
      throw new LflowError(0, `Match compiles to more than ${maxMatchesPerFlowCount} OpenFlow flows (maxMatchesPerFlowCount).`);
    }
  }
  return partial;
}

/** Merges value/mask into a field; false when it contradicts what is there. */
function put(f: Map<string, { v: bigint; m: bigint }>, name: string, v: bigint, m: bigint): boolean {
  const prev = f.get(name);
  if (!prev) {
    f.set(name, { v: v & m, m });
    return true;
  }
  if (((prev.v ^ v) & prev.m & m) !== 0n) return false;
  f.set(name, { v: (prev.v | v) & (prev.m | m), m: prev.m | m });
  return true;
}

/** A literal as alternatives (an OR) of field/value/mask triples (null: no constraint); [] matches nothing. */
function literalAlternatives(lit: Literal, ctx: CompileContext): Array<[string, bigint, bigint] | null> {
  switch (lit.type) {
    case 'cmp': {
      const place = ctx.symtab.place(lit.symbol);
      const of = place.root.of;
      if (!of) throw new LflowError(lit.pos, `Field ${lit.symbol.name} cannot be matched in OpenFlow.`);
      const sh = BigInt(place.ofs);
      if (lit.relop === '==') return [[of.ovsName, lit.value << sh, lit.mask << sh]];
      if (lit.relop !== '!=') throw new LflowError(lit.pos, `Unnormalized ${lit.relop} comparison reached OpenFlow compilation.`);
      return notEqual(of.ovsName, of.maskable, lit.value << sh, lit.mask << sh, lit.pos);
    }
    case 'strcmp': {
      const of = ctx.symtab.place(lit.symbol).root.of!;
      const key = ctx.lookupPort(lit.value);
      if (lit.relop === '==') return key === undefined ? [] : [[of.ovsName, BigInt(key), ones(of.bits)]];
      // A port unknown here has no key, so every packet differs from it.
      if (key === undefined) return [null];
      return notEqual(of.ovsName, true, BigInt(key), ones(of.bits), lit.pos);
    }
    case 'condition':
      throw new LflowError(lit.pos, 'is_chassis_resident() must be evaluated before OpenFlow compilation.');
    default:
      return unreachable(lit, 'literal');
  }
}

/** x != v over mask m: some bit of m differs (upstream expr_simplify_ne), one alternative per bit. */
function notEqual(name: string, maskable: boolean, v: bigint, m: bigint, pos: number): Array<[string, bigint, bigint]> {
  if (!maskable) throw new LflowError(pos, `OpenFlow cannot match ${name} != value (the field cannot be masked).`);
  const out: Array<[string, bigint, bigint]> = [];
  for (let b = 0n; m >> b !== 0n; b++) {
    const bit = 1n << b;
    if ((m & bit) !== 0n) out.push([name, ~v & bit, bit]);
  }
  return out;
}
