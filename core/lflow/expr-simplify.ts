// The first step of compiling a match to OpenFlow, as ovn-controller 23.03 does it (upstream lib/expr.c
// expr_simplify and expr_evaluate_condition). The exact shape matters, not only the meaning: the flows
// ovn-controller installs follow from it, so this mirrors upstream rather than the smallest form.
//   x == v/0       -> true
//   x != v/m       -> OR over the 1-bits i of m, in increasing order, of x[i] == !v[i]
//   x >= v, x > v  -> (x == v ||) OR over the 0-bits z of v (within the field's bits) of "x agrees with
//                     v above z and has bit z set" (bits below z wildcarded); x <= v, x < v alike with 1-bits
//   x > 0, x < max -> x != 0, x != max; x >= 0, x <= max -> true
// Booleans are folded the way upstream's expr_fix does (a short-circuiting operand decides, neutral ones go,
// a one-operand AND/OR becomes its operand); same-type children are spliced into their parent.
import { LflowError } from './errors';
import { contiguousRange, falseExpr, trueExpr, type CmpExpr, type Expr } from './expr';
import { pushNegation } from './negate';
import { unreachable } from '../util/assert';

/** expr_fix: folds Boolean operands of an AND/OR and unwraps a single operand. */
export function fixAndOr(type: 'and' | 'or', operands: readonly Expr[]): Expr {
  const shortCircuit = type === 'or';
  const kept: Expr[] = [];
  for (const o of operands) {
    if (o.type === 'bool') {
      if (o.value === shortCircuit) return o.value ? trueExpr : falseExpr;
      continue;
    }
    kept.push(o);
  }
  if (kept.length === 0) return shortCircuit ? falseExpr : trueExpr;
  if (kept.length === 1) return kept[0]!;
  return { type, operands: kept };
}

/** expr_insert_andor: a child of the parent's own type is spliced into the parent's operand list. */
export function spliceInto(type: 'and' | 'or', out: Expr[], e: Expr): void {
  if (e.type === type) out.push(...e.operands);
  else out.push(e);
}

/** expr_simplify: only == comparisons remain (string comparisons and conditions are left as they are). */
export function simplifyComparisons(e: Expr): Expr {
  switch (e.type) {
    case 'cmp':
      return simplifyCmp(e);
    case 'and':
    case 'or': {
      const out: Expr[] = [];
      for (const o of e.operands) spliceInto(e.type, out, simplifyComparisons(o));
      return fixAndOr(e.type, out);
    }
    case 'not':
      return simplifyComparisons(pushNegation(e));
    case 'strcmp':
    case 'bool':
    case 'condition':
      return e;
    default:
      return unreachable(e, 'expression');
  }
}

/** expr_evaluate_condition: is_chassis_resident() decided for this chassis, Booleans folded upward. */
export function evaluateConditionsAsUpstream(e: Expr, isResident: (port: string) => boolean): Expr {
  switch (e.type) {
    case 'condition':
      return isResident(e.port) !== e.negated ? trueExpr : falseExpr;
    case 'and':
    case 'or': {
      const out: Expr[] = [];
      for (const o of e.operands) spliceInto(e.type, out, evaluateConditionsAsUpstream(o, isResident));
      return fixAndOr(e.type, out);
    }
    default:
      return e;
  }
}

function eq(c: CmpExpr, value: bigint, mask: bigint): CmpExpr {
  return { ...c, relop: '==', value, mask };
}

function simplifyCmp(c: CmpExpr): Expr {
  switch (c.relop) {
    case '==':
      return c.mask === 0n ? trueExpr : eq(c, c.value, c.mask);
    case '!=':
      return simplifyNe(c);
    default:
      return simplifyRelational(c);
  }
}

function bit(v: bigint, i: number): boolean {
  return ((v >> BigInt(i)) & 1n) === 1n;
}

function simplifyNe(c: CmpExpr): Expr {
  const bits: Expr[] = [];
  for (let i = 0; i < c.symbol.width; i++) {
    if (bit(c.mask, i)) bits.push(eq(c, bit(c.value, i) ? 0n : 1n << BigInt(i), 1n << BigInt(i)));
  }
  // "x != 0/0" is false, as "x == 0/0" is true.
  return fixAndOr('or', bits.length === 0 ? [falseExpr] : bits);
}

function simplifyRelational(c: CmpExpr): Expr {
  const range = contiguousRange(c.mask);
  if (range === null) throw new LflowError(c.pos, 'Relational comparison needs a contiguous bit range.');
  const start = range.lo;
  const end = range.hi + 1;
  const lt = c.relop === '<' || c.relop === '<=';
  const orEqual = c.relop === '<=' || c.relop === '>=';
  // Bits of the value that are `lt` (1-bits for < and <=, 0-bits for > and >=), low to high.
  const scan: number[] = [];
  for (let z = start; z < end; z++) if (bit(c.value, z) === lt) scan.push(z);
  if (scan.length === end - start) {
    // x >= 0 and x <= max hold always; x > 0 and x < max are x != 0 and x != max.
    return orEqual ? trueExpr : simplifyNe({ ...c, relop: '!=' });
  }
  const out: Expr[] = [];
  if (orEqual) out.push(eq(c, c.value, c.mask));
  const below = (z: number) => ((1n << BigInt(z)) - 1n) & ~((1n << BigInt(start)) - 1n);
  for (const z of scan) {
    const toggled = c.value ^ (1n << BigInt(z));
    out.push(eq(c, toggled & ~below(z), c.mask & ~below(z)));
  }
  return fixAndOr('or', out.length === 0 ? [falseExpr] : out);
}
