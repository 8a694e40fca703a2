// The typed expression: what a match means once its names are resolved against a symbol table.
// Integer comparisons carry value and mask in the symbol's own bit coordinates (bit 0 = least
// significant bit of the symbol); a subfield selection like reg0[5..7] is a mask over bits 5..7.
// Compilation to OpenFlow works on annotated (annotate.ts), normalized (normalize.ts) expressions.
import type { LogicalSymbol } from './symtab';
import type { Relop } from './syntax';

export type Expr =
  | { type: 'cmp'; symbol: LogicalSymbol; relop: Relop; value: bigint; mask: bigint; pos: number }
  | { type: 'strcmp'; symbol: LogicalSymbol; relop: '==' | '!='; value: string; pos: number }
  | { type: 'bool'; value: boolean }
  | { type: 'and' | 'or'; operands: Expr[] }
  | { type: 'not'; operand: Expr }
  /** is_chassis_resident("port"): decided per hypervisor, so it stays symbolic until compilation. */
  | { type: 'condition'; port: string; negated: boolean; pos: number };

export type CmpExpr = Extract<Expr, { type: 'cmp' }>;
export type StrcmpExpr = Extract<Expr, { type: 'strcmp' }>;

export const trueExpr: Expr = { type: 'bool', value: true };
export const falseExpr: Expr = { type: 'bool', value: false };

export function ones(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

/** Lowest set bit index of a nonzero mask. */
export function lowestBit(mask: bigint): number {
  let i = 0;
  while (((mask >> BigInt(i)) & 1n) === 0n) i++;
  return i;
}

/** If the mask's set bits are one contiguous run, its [lo, hi]; else null. */
export function contiguousRange(mask: bigint): { lo: number; hi: number } | null {
  if (mask === 0n) return null;
  const lo = lowestBit(mask);
  const run = mask >> BigInt(lo);
  if ((run & (run + 1n)) !== 0n) return null;
  return { lo, hi: lo + run.toString(2).length - 1 };
}

/** Joins operands, flattening same-type children (and within and, or within or). */
export function combine(type: 'and' | 'or', operands: Expr[]): Expr {
  const flat: Expr[] = [];
  for (const o of operands) {
    if (o.type === type) flat.push(...o.operands);
    else flat.push(o);
  }
  if (flat.length === 0) return type === 'and' ? trueExpr : falseExpr;
  if (flat.length === 1) return flat[0]!;
  return { type, operands: flat };
}
