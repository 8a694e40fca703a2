// Negation pushing: rewrites an expression so that `not` appears nowhere, by inverting comparisons
// (!(x < 5) is x >= 5) and applying De Morgan's laws. Upstream does this while parsing (expr_not); we keep
// `not` in the checked tree so it prints as written, and push it before annotation and normalization.
import type { Expr } from './expr';
import { invertRelop } from './syntax';
import { unreachable } from '../util/assert';

export function pushNegation(e: Expr, negate = false): Expr {
  switch (e.type) {
    case 'not':
      return pushNegation(e.operand, !negate);
    case 'and':
    case 'or': {
      const operands = e.operands.map((o) => pushNegation(o, negate));
      const type = negate ? (e.type === 'and' ? 'or' : 'and') : e.type;
      return { type, operands };
    }
    case 'bool':
      return negate ? { type: 'bool', value: !e.value } : e;
    case 'condition':
      return negate ? { ...e, negated: !e.negated } : e;
    case 'cmp':
      return negate ? { ...e, relop: invertRelop(e.relop) } : e;
    case 'strcmp':
      return negate ? { ...e, relop: e.relop === '==' ? '!=' : '==' } : e;
    default:
      return unreachable(e, 'expression');
  }
}
