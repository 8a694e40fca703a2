// Match expressions to OpenFlow matches, in the order ovn-controller 23.03 controller/lflow.c applies
// upstream lib/expr.c to an annotated match (the actions' prerequisites already ANDed in):
//   1. expr_simplify: relational and != comparisons become ORs of masked == (expr-simplify.ts);
//   2. expr_evaluate_condition: is_chassis_resident() decided for this hypervisor;
//   3. expr_normalize: the normal form of ANDs of comparisons and single-symbol ORs (normal-form.ts);
//   4. expr_to_matches: flows, with conjunctive matches for ANDs of two or more ORs (to-matches.ts);
//   5. what OVS's match encoder keeps of each (ovs-encodable.ts).
// The result is the same set of OpenFlow matches upstream installs (tested against the real
// ovn-controller in match.upstream.test.ts), not merely an equivalent one.
// Logical ports compare by tunnel key (a port unknown here matches nothing, as upstream drops the flow).
import { buildMatch, type Match } from '../../openflow';
import { bigIntToBytes } from '../../openflow/bytes';
import type { OxmEntry } from '../../openflow/oxm';
import type { OxmInterner } from '../../openflow/oxm-intern';
import { assert } from '../../util/assert';
import { ones, type Expr } from '../expr';
import { evaluateConditionsAsUpstream, simplifyComparisons } from '../expr-simplify';
import { maxNormalFormTermsCount, toNormalForm } from '../normal-form';
import type { CompileContext } from './context';
import { encodableFields } from './ovs-encodable';
import { fieldKey, toMatches, type ConjunctionRef, type FieldMatch, type RawMatch } from './to-matches';

export { fieldKey, type ConjunctionRef, type FieldMatch };

/** A match as field values; toMatch() turns it into the OXM match of a flow (once, with the datapath). */
export type CompiledMatch = RawMatch;

/** Bound on the terms one logical flow's normal form may have (upstream has none; runaway input gets an error). */
export const maxMatchesPerFlowCount = maxNormalFormTermsCount;

/** Decides is_chassis_resident() for this hypervisor (upstream expr_evaluate_condition). */
export function evaluateConditions(e: Expr, isResident: (port: string) => boolean): Expr {
  return evaluateConditionsAsUpstream(e, isResident);
}

export interface CompileMatchOptions {
  /** Bound on the normal form's terms (default maxMatchesPerFlowCount). */
  maxTerms?: number;
}

export function compileMatch(annotated: Expr, ctx: CompileContext, options: CompileMatchOptions = {}): CompiledMatch[] {
  const simplified = simplifyComparisons(annotated);
  const decided = evaluateConditions(simplified, ctx.isChassisResident);
  const normal = toNormalForm(decided, options.maxTerms ?? maxMatchesPerFlowCount);
  // Two matches may differ only in fields the encoder leaves out: OVS then holds one flow (a plain flow
  // wins over a clause flow, as in expr_match_add).
  const byKey = new Map<string, RawMatch>();
  for (const m of toMatches(normal, ctx, ctx.conjIdBase ?? 1)) {
    const fields = encodableFields(m.fields);
    const key = `${m.conjId ?? ''}|${fieldKey(fields)}`;
    const prev = byKey.get(key);
    if (!prev) byKey.set(key, { ...m, fields });
    else if (prev.conjunctions.length > 0 && m.conjunctions.length > 0) byKey.set(key, { ...prev, conjunctions: [...prev.conjunctions, ...m.conjunctions] });
    else byKey.set(key, { ...prev, conjunctions: [] });
  }
  return [...byKey.values()];
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

/** Per compiled match, its OXM match for metadata 0 and where the metadata entry sits (emit reuses it). */
const matchTemplates = new WeakMap<CompiledMatch, { readonly entries: Match; readonly metadataAt: number }>();

/**
 * toMatch(c.fields, c.conjId, metadata), built once per compiled match: the metadata entry's place in OVS's
 * order does not depend on its value, so each datapath only gets a new metadata entry. With an interner,
 * entries of equal content are one object.
 */
export function compiledMatchOn(c: CompiledMatch, metadata: bigint, interner?: OxmInterner): Match {
  let t = matchTemplates.get(c);
  if (!t) {
    assert(!c.fields.has('metadata'), () => 'compiledMatchOn: a logical match cannot constrain metadata itself');
    const built = toMatch(c.fields, c.conjId, 0n);
    const entries = interner ? built.map((e) => interner.intern(e)) : built;
    const metadataAt = entries.findIndex((e) => e.field.name === 'metadata');
    assert(metadataAt >= 0, () => 'compiledMatchOn: the match built for metadata 0 has no metadata entry');
    t = { entries, metadataAt };
    matchTemplates.set(c, t);
  }
  const out = t.entries.slice();
  const meta: OxmEntry = { ...t.entries[t.metadataAt]!, value: bigIntToBytes(metadata, 8) };
  out[t.metadataAt] = interner ? interner.intern(meta) : meta;
  return out;
}

