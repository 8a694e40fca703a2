// Parser for match expressions (ovn-sb(5), Logical_Flow "match"), following upstream's grammar:
//   expr    := unary (('&&' unary)+ | ('||' unary)+)?     -- mixing && and || needs parentheses
//   unary   := '!' primary(atomic) | primary
//   primary := '(' expr ')' | 'is_chassis_resident' '(' STRING ')' | field [relop set]
//            | set relop field [relop set] | '0' | '1'
// The result is a SyntaxExpr; names are resolved later by the type checker (check-match.ts).
import { attempt, type Result } from './errors';
import type { Token } from './lexer';
import { TokenStream } from './token-stream';
import { relops, turnRelop, type ConstantSet, type Relop, type SyntaxExpr } from './syntax';

/** Upstream's MAX_PAREN_DEPTH: deeper nesting is refused instead of risking the stack. */
export const maxParenDepthCount = 100;

export function parseMatch(input: string): Result<SyntaxExpr> {
  return attempt(() => parseMatchOrThrow(input));
}

export function parseMatchOrThrow(input: string): SyntaxExpr {
  const ts = new TokenStream(input);
  const e = new MatchParser(ts).parseExpr(0);
  if (!ts.is('end')) ts.syntaxError('end of input');
  return e;
}

function relopOf(t: Token): Relop | null {
  return (relops as ReadonlyArray<string>).includes(t.type) ? (t.type as Relop) : null;
}

export class MatchParser {
  constructor(private readonly ts: TokenStream) {}

  parseExpr(depth: number): SyntaxExpr {
    const first = this.parseUnary(depth);
    const t = this.ts.token;
    if (t.type !== '&&' && t.type !== '||') return first;
    const op = t.type;
    const operands = [first];
    while (this.ts.match(op)) operands.push(this.parseUnary(depth));
    const after = this.ts.token;
    if (after.type === '&&' || after.type === '||') {
      this.ts.error('&& and || must be parenthesized when used together.', after.pos);
    }
    return { type: op === '&&' ? 'and' : 'or', operands, pos: first.pos };
  }

  private parseUnary(depth: number): SyntaxExpr {
    const t = this.ts.token;
    if (!this.ts.match('!')) return this.parsePrimary(depth).expr;
    const operand = this.parsePrimary(depth);
    if (!operand.atomic) this.ts.error('Missing parentheses around operand of !.', operand.expr.pos);
    return { type: 'not', operand: operand.expr, pos: t.pos };
  }

  private parsePrimary(depth: number): { expr: SyntaxExpr; atomic: boolean } {
    const ts: TokenStream = this.ts;
    const t = ts.token;
    if (ts.match('(')) {
      if (depth >= maxParenDepthCount) ts.error('Parentheses nested too deeply.', t.pos);
      const expr = this.parseExpr(depth + 1);
      ts.expect(')');
      return { expr, atomic: true };
    }
    if (t.type === 'id') {
      if (ts.peek().type === '(') {
        if (t.text !== 'is_chassis_resident') ts.error(`Unknown function \`${t.text}' in match expression.`, t.pos);
        ts.advance();
        ts.advance();
        const port = ts.token;
        if (port.type !== 'string') ts.syntaxError('string');
        ts.advance();
        ts.expect(')');
        return { expr: { type: 'chassis_resident', port: port.text, pos: t.pos }, atomic: true };
      }
      const field = ts.parseFieldRef();
      const r = relopOf(ts.token);
      if (r === null) {
        if (ts.is('=')) ts.syntaxError('relational operator (did you mean `==\'?)');
        return { expr: { type: 'field', field, pos: t.pos }, atomic: true };
      }
      ts.advance();
      const set = ts.parseConstantSet();
      return { expr: { type: 'cmp', field, relop: r, set, pos: t.pos }, atomic: false };
    }
    // A constant first: the Boolean literals 0 and 1, or `c relop field [relop c]`.
    const c1 = ts.parseConstantSet();
    const v = c1.values[0];
    if (relopOf(ts.token) === null && !c1.braces && v?.kind === 'int' && v.format === 'decimal' && v.mask === null && v.value <= 1n) {
      return { expr: { type: 'bool', value: v.value === 1n, pos: t.pos }, atomic: true };
    }
    const r1 = relopOf(ts.token);
    if (r1 === null) ts.syntaxError('relational operator');
    ts.advance();
    const field = ts.parseFieldRef();
    const r2 = relopOf(ts.token);
    if (r2 === null) return { expr: { type: 'cmp', field, relop: turnRelop(r1), set: c1, pos: t.pos }, atomic: false };
    const r2pos = ts.token.pos;
    ts.advance();
    const c2: ConstantSet = ts.parseConstantSet();
    const less = (r: Relop) => r === '<' || r === '<=';
    const greater = (r: Relop) => r === '>' || r === '>=';
    if (!((less(r1) && less(r2)) || (greater(r1) && greater(r2)))) {
      ts.error("Range expressions must have the form `x < field < y' or `x > field > y', with each `<' optionally replaced by `<=' or `>' by `>='.", r2pos);
    }
    const e1: SyntaxExpr = { type: 'cmp', field, relop: turnRelop(r1), set: c1, pos: t.pos };
    const e2: SyntaxExpr = { type: 'cmp', field, relop: r2, set: c2, pos: field.pos };
    return { expr: { type: 'and', operands: [e1, e2], pos: t.pos }, atomic: false };
  }
}
