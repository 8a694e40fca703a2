// The microflow: a logical match expression that must pin down one packet (upstream expr_parse_microflow).
// After type checking and annotation (so `ip4.src == ...` brings eth.type == 0x800 along), equalities
// are written into the packet; disjunctions left by prerequisites (tcp means ip4 || ip6) are settled by
// the first alternative that is consistent with what is already known. The result must satisfy the whole
// expression, otherwise the microflow is ambiguous or contradictory. Errors carry character positions.
import { annotate } from '../lflow/annotate';
import { checkMatch } from '../lflow/check-match';
import { evaluate } from '../lflow/evaluate';
import { LflowError } from '../lflow/errors';
import type { Expr } from '../lflow/expr';
import { mapLookup } from '../lflow/lookup';
import { parseMatchOrThrow } from '../lflow/parse-match';
import type { SyntaxExpr } from '../lflow/syntax';
import type { Symtab } from '../lflow/symtab';
import { TracePacket } from './packet';

/** Deepest nesting of disjunctions the solver will try alternatives for. */
export const maxMicroflowOrDepth = 16;

export interface ParsedMicroflow {
  syntax: SyntaxExpr;
  packet: TracePacket;
}

export function parseMicroflow(text: string, symtab: Symtab, addressSets: Record<string, string[]> = {}, portGroups: Record<string, string[]> = {}): ParsedMicroflow {
  const syntax = parseMatchOrThrow(text);
  const checked = checkMatch(syntax, { symtab, names: mapLookup(addressSets, portGroups) });
  const e = annotate(checked, symtab);
  const packet = new TracePacket(symtab);
  const known = new Map<string, bigint>();
  solve(e, packet, known, 0);
  if (!evaluate(e, packet.values, { symtab, isChassisResident: () => true })) {
    throw new LflowError(syntax.pos, 'microflow is ambiguous or contradictory: it must give each field it tests one value (e.g. tcp.src == 80 needs ip4 or ip6)');
  }
  return { syntax, packet };
}

function conjuncts(e: Expr): Expr[] {
  return e.type === 'and' ? e.operands.flatMap(conjuncts) : [e];
}

function solve(e: Expr, packet: TracePacket, known: Map<string, bigint>, depth: number): void {
  const parts = conjuncts(e);
  // Equalities first, so alternatives are chosen knowing every value written outright.
  for (const p of parts) {
    if (p.type === 'cmp' && p.relop === '==') {
      const root = packet.symtab.place(p.symbol).root.name;
      const prevMask = known.get(root) ?? 0n;
      const cur = packet.read({ symbol: p.symbol, ofs: 0, bits: p.symbol.width });
      const overlap = prevMask & p.mask;
      if ((cur & overlap) !== (p.value & overlap)) {
        throw new LflowError(p.pos, `microflow is contradictory: ${p.symbol.name} cannot have two values`);
      }
      packet.write({ symbol: p.symbol, ofs: 0, bits: p.symbol.width }, (cur & ~p.mask) | (p.value & p.mask));
      known.set(root, prevMask | p.mask);
    } else if (p.type === 'strcmp' && p.relop === '==') {
      const root = packet.symtab.place(p.symbol).root.name;
      const prev = packet.values.get(root);
      if (typeof prev === 'string' && prev !== p.value) {
        throw new LflowError(p.pos, `microflow is contradictory: ${p.symbol.name} cannot be both "${prev}" and "${p.value}"`);
      }
      packet.setString(root, p.value);
    }
  }
  for (const p of parts) {
    if (p.type !== 'or') continue;
    const ctx = { symtab: packet.symtab, isChassisResident: () => true };
    if (evaluate(p, packet.values, ctx)) continue;
    if (depth >= maxMicroflowOrDepth) throw new LflowError(0, `microflow nests alternatives deeper than maxMicroflowOrDepth ${maxMicroflowOrDepth}`);
    let chosen = false;
    for (const alt of p.operands) {
      const trial = packet.clone();
      const trialKnown = new Map(known);
      try {
        solve(alt, trial, trialKnown, depth + 1);
      } catch (err) {
        if (err instanceof LflowError) continue;
        throw err;
      }
      if (!evaluate(alt, trial.values, ctx)) continue;
      for (const [k, v] of trial.values) packet.values.set(k, v);
      for (const [k, v] of trialKnown) known.set(k, v);
      chosen = true;
      break;
    }
    if (!chosen) throw new LflowError(0, 'microflow is contradictory: no alternative of a disjunction can hold');
  }
}
