// Evaluation of an expression against one packet, the reference semantics that later property tests
// compare original, normalized and compiled matches by. A packet maps root field names (eth.dst,
// xxreg0, ct_state, inport, ...) to values; absent integer fields are 0 and absent string fields "".
// Subfields read their bits of the root field; predicates evaluate their expansion.
import { symbolExpression } from './annotate';
import { contiguousRange, ones, type Expr } from './expr';
import { LflowError } from './errors';
import type { LogicalSymbol, Symtab } from './symtab';
import { unreachable } from '../util/assert';

export type Packet = ReadonlyMap<string, bigint | string>;

export interface EvalContext {
  symtab: Symtab;
  /** is_chassis_resident(port) on the hypervisor doing the evaluation (default: never). */
  isChassisResident?: (port: string) => boolean;
}

export function evaluate(e: Expr, packet: Packet, ctx: EvalContext): boolean {
  switch (e.type) {
    case 'bool':
      return e.value;
    case 'not':
      return !evaluate(e.operand, packet, ctx);
    case 'and':
      return e.operands.every((o) => evaluate(o, packet, ctx));
    case 'or':
      return e.operands.some((o) => evaluate(o, packet, ctx));
    case 'condition':
      return (ctx.isChassisResident?.(e.port) ?? false) !== e.negated;
    case 'strcmp': {
      const v = packet.get(ctx.symtab.place(e.symbol).root.name);
      const s = typeof v === 'string' ? v : '';
      return (s === e.value) === (e.relop === '==');
    }
    case 'cmp': {
      const x = symbolValue(e.symbol, packet, ctx);
      if (e.relop === '==') return (x & e.mask) === e.value;
      if (e.relop === '!=') return (x & e.mask) !== e.value;
      const range = contiguousRange(e.mask);
      if (range === null) return false; // the checker never builds this; normalize refuses it too
      const shift = BigInt(range.lo);
      const a = (x & e.mask) >> shift;
      const b = (e.value & e.mask) >> shift;
      switch (e.relop) {
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        case '>=':
          return a >= b;
        default:
          return unreachable(e.relop, 'relop');
      }
    }
    default:
      return unreachable(e, 'expression');
  }
}

/** The value of an integer symbol in a packet: its bits of the root field, or 0/1 for a predicate. */
export function symbolValue(symbol: LogicalSymbol, packet: Packet, ctx: EvalContext): bigint {
  if (symbol.expansion !== null) {
    return evaluate(symbolExpression(ctx.symtab, symbol.expansion, symbol), packet, ctx) ? 1n : 0n;
  }
  const place = ctx.symtab.place(symbol);
  const raw = packet.get(place.root.name);
  const v = typeof raw === 'bigint' ? raw : 0n;
  return (v >> BigInt(place.ofs)) & ones(symbol.width);
}

/**
 * Builds a packet from values given per symbol (reg0, ct.est, eth.mcast, tcp.dst, inport ...): each value
 * is written into its bits of the root field, so tests can describe packets the way matches read them.
 */
export function buildPacket(symtab: Symtab, values: Readonly<Record<string, bigint | string>>): Map<string, bigint | string> {
  const out = new Map<string, bigint | string>();
  for (const [name, v] of Object.entries(values)) {
    const s = symtab.get(name);
    if (!s) throw new LflowError(0, `buildPacket: unknown field ${name}`);
    if (s.expansion !== null) throw new LflowError(0, `buildPacket: ${name} is a predicate; set the fields it reads`);
    const place = symtab.place(s);
    if (s.width === 0) {
      if (typeof v !== 'string') throw new LflowError(0, `buildPacket: string field ${name} needs a string`);
      out.set(place.root.name, v);
      continue;
    }
    if (typeof v !== 'bigint' || v < 0n || v > ones(s.width)) throw new LflowError(0, `buildPacket: ${name} needs an integer of ${s.width} bits`);
    const prev = out.get(place.root.name);
    const old = typeof prev === 'bigint' ? prev : 0n;
    const shift = BigInt(place.ofs);
    out.set(place.root.name, (old & ~(ones(s.width) << shift)) | (v << shift));
  }
  return out;
}
