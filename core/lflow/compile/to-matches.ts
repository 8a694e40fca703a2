// Normal form (normal-form.ts) to OpenFlow matches, as upstream lib/expr.c expr_to_matches does it:
//   - a comparison: one flow;
//   - an AND with no OR: one flow; with one OR: one flow per member;
//   - an AND with two or more ORs (clauses): a conjunctive match - one flow per member of clause k carrying
//     conjunction(id, k/n), plus a flow matching conj_id=id that carries the logical flow's actions;
//     ids count from 1 per logical flow, in the order the ANDs come;
//   - an OR of those: each term on its own.
// Identical matches merge (expr_match_add): clause flows collect each other's conjunction() actions, and a
// plain flow absorbs any clause flow with its match (the conjunctions go: the plain flow already matches).
// A port name that does not resolve drops the comparison's flow (in a clause: that member); when a whole
// clause drops, the conjunction's conj_id flow is not added but its earlier clauses stay, as upstream.
import { LflowError } from '../errors';
import type { Expr } from '../expr';
import { ones } from '../expr';
import { uniqueSymbol } from '../annotate';
import type { CompileContext } from './context';

/** One value/mask per OpenFlow field (ovs-ofctl name). */
export type FieldMatch = ReadonlyMap<string, { readonly v: bigint; readonly m: bigint }>;

export interface ConjunctionRef {
  readonly id: number;
  /** 1-based, as ovs-ofctl writes it. */
  readonly clause: number;
  readonly nClauses: number;
}

export interface RawMatch {
  readonly fields: FieldMatch;
  /** Non-empty: this flow's actions are these conjunction() actions instead of the logical flow's. */
  readonly conjunctions: readonly ConjunctionRef[];
  /** Non-null: the flow matches conj_id=<id> (and carries the logical flow's actions). */
  readonly conjId: number | null;
}

/** A text naming a field match: equal for equal matches whatever the order their fields were added in. */
export function fieldKey(f: FieldMatch): string {
  const names = Array.from(f.keys());
  if (names.length > 1) names.sort();
  let key = '';
  for (const name of names) {
    const { v, m } = f.get(name)!;
    key += `${key === '' ? '' : ','}${name}=${v.toString(16)}/${m.toString(16)}`;
  }
  return key;
}

class MatchSet {
  private readonly byKey = new Map<string, { fields: FieldMatch; conjunctions: ConjunctionRef[]; conjId: number | null }>();

  add(fields: FieldMatch, conj: ConjunctionRef | null, conjId: number | null): void {
    const key = `${conjId ?? ''}|${fieldKey(fields)}`;
    const prev = this.byKey.get(key);
    if (!prev) {
      this.byKey.set(key, { fields, conjunctions: conj ? [conj] : [], conjId });
    } else if (prev.conjunctions.length === 0 || conj === null) {
      prev.conjunctions = [];
    } else {
      prev.conjunctions.push(conj);
    }
  }

  list(): RawMatch[] {
    return [...this.byKey.values()];
  }
}

export function toMatches(n: Expr, ctx: CompileContext, conjIdBase = 1): RawMatch[] {
  const out = new MatchSet();
  let conjs = 0;
  const nextConjId = () => conjIdBase + conjs++;
  switch (n.type) {
    case 'cmp':
    case 'strcmp':
      addComparison(n, ctx, out);
      break;
    case 'and':
      addAnd(n.operands, ctx, out, nextConjId);
      break;
    case 'or':
      for (const sub of n.operands) {
        if (sub.type === 'and' && uniqueSymbol(n) === null) addAnd(sub.operands, ctx, out, nextConjId);
        else addComparison(sub, ctx, out);
      }
      break;
    case 'bool':
      if (n.value) out.add(new Map(), null, null);
      break;
    default:
      throw new LflowError(0, `Expression not in normal form (${n.type}) reached OpenFlow compilation.`);
  }
  return out.list();
}

/** constrain_match: sets the comparison's OpenFlow field (replacing it); false when a port is unknown. */
function constrain(c: Expr, ctx: CompileContext, f: Map<string, { v: bigint; m: bigint }>): boolean {
  if (c.type === 'cmp') {
    const place = ctx.symtab.place(c.symbol);
    const of = place.root.of;
    if (!of) throw new LflowError(c.pos, `Field ${c.symbol.name} cannot be matched in OpenFlow.`);
    const sh = BigInt(place.ofs);
    const m = c.mask << sh;
    // OVS mf_set: a zero mask wildcards the field; on a field OVS cannot mask (eth_type, nw_proto, nw_ttl,
    // ip_dscp, icmp_type ...) a mask that is not all-ones over the field's whole bytes is silently ignored,
    // so such a constraint vanishes - even ip.dscp == 10, whose 6-bit mask never fills its byte.
    if (m === 0n) f.delete(of.ovsName);
    else if (of.maskable || m === ones(Math.ceil(of.bits / 8) * 8)) f.set(of.ovsName, { v: (c.value << sh) & m, m });
    return true;
  }
  if (c.type === 'strcmp') {
    const of = ctx.symtab.place(c.symbol).root.of;
    if (!of) throw new LflowError(c.pos, `Field ${c.symbol.name} cannot be matched in OpenFlow.`);
    const key = ctx.lookupPort(c.value);
    if (key === undefined) return false;
    f.set(of.ovsName, { v: BigInt(key), m: ones(of.bits) });
    return true;
  }
  throw new LflowError(0, `Expression not in normal form (${c.type} where a comparison belongs) reached OpenFlow compilation.`);
}

function addComparison(c: Expr, ctx: CompileContext, out: MatchSet): void {
  const f = new Map<string, { v: bigint; m: bigint }>();
  if (constrain(c, ctx, f)) out.add(f, null, null);
}

/** add_disjunction: one flow per member of a clause; whether any member resolved. */
function addClause(or: Expr, base: FieldMatch, conj: ConjunctionRef | null, ctx: CompileContext, out: MatchSet): boolean {
  if (or.type !== 'or') throw new LflowError(0, 'Expression not in normal form (clause is not an OR).');
  let n = 0;
  for (const member of or.operands) {
    const f = new Map(base);
    if (constrain(member, ctx, f)) {
      out.add(f, conj, null);
      n++;
    }
  }
  return n > 0;
}

/** add_conjunction. */
function addAnd(terms: readonly Expr[], ctx: CompileContext, out: MatchSet, nextConjId: () => number): void {
  const base = new Map<string, { v: bigint; m: bigint }>();
  const clauses: Expr[] = [];
  for (const t of terms) {
    if (t.type === 'or') clauses.push(t);
    else if (!constrain(t, ctx, base)) return;
  }
  if (clauses.length === 0) {
    out.add(base, null, null);
    return;
  }
  if (clauses.length === 1) {
    addClause(clauses[0]!, base, null, ctx, out);
    return;
  }
  const id = nextConjId();
  for (const [k, clause] of clauses.entries()) {
    // A clause that can never match: the conjunction cannot either (its earlier clauses stay, as upstream).
    if (!addClause(clause, base, { id, clause: k + 1, nClauses: clauses.length }, ctx, out)) return;
  }
  out.add(base, null, id);
}
