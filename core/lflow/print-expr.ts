// Canonical text of a typed expression, in the match language (so it parses back to the same meaning):
// whole-field comparisons in the field's own format (10.0.0.1, 00:00:00:00:00:01, 0x800), CIDR masks as
// /N, contiguous partial masks as subfields (reg0[5..7] == 3), 1-bit tests as `x` / `!x`, nested && / ||
// parenthesized. One limit is upstream's, not ours: a nominal field (eth.type, ip.proto, inport) can only
// be tested for equality once enclosing `!` are counted, so a normalized literal like `eth.type != 0x800`
// (from a negated predicate's prerequisites) prints readably but is not valid input on its own.
import { formatInt, formatMaskedInt, formatString } from './format-constant';
import { contiguousRange, ones, type CmpExpr, type Expr } from './expr';
import type { IntFormat } from './lexer';
import { maskPrefixLength } from './addresses';
import type { LogicalSymbol } from './symtab';
import { unreachable } from '../util/assert';

export function symbolFormat(s: LogicalSymbol): IntFormat {
  if (s.of && s.width === s.of.bits) return s.of.format;
  return s.width <= 32 ? 'decimal' : 'hex';
}

function printCmp(c: CmpExpr): string {
  const s = c.symbol;
  const full = ones(s.width);
  const fmt = symbolFormat(s);
  const oneBit = (name: string, bitSet: boolean) => {
    const positive = bitSet !== (c.relop === '!=');
    return positive ? name : `!${name}`;
  };
  if (c.mask === full) {
    if (s.width === 1 && (c.relop === '==' || c.relop === '!=')) return oneBit(s.name, c.value === 1n);
    return `${s.name} ${c.relop} ${formatInt(c.value, fmt)}`;
  }
  if ((c.relop === '==' || c.relop === '!=') && (fmt === 'ipv4' || fmt === 'ipv6')) {
    if (maskPrefixLength(c.mask, s.width) !== null) return `${s.name} ${c.relop} ${formatMaskedInt(c.value, c.mask, fmt)}`;
  }
  const range = contiguousRange(c.mask);
  if (range) {
    const v = (c.value & c.mask) >> BigInt(range.lo);
    if (range.lo === range.hi) {
      const name = `${s.name}[${range.lo}]`;
      return c.relop === '==' || c.relop === '!=' ? oneBit(name, v === 1n) : `${name} ${c.relop} ${v}`;
    }
    const n = range.hi - range.lo + 1;
    return `${s.name}[${range.lo}..${range.hi}] ${c.relop} ${formatInt(v, n <= 32 ? 'decimal' : 'hex')}`;
  }
  const mfmt: IntFormat = fmt === 'decimal' ? 'hex' : fmt;
  return `${s.name} ${c.relop} ${formatMaskedInt(c.value, c.mask, mfmt)}`;
}

function isAtomic(e: Expr): boolean {
  if (e.type === 'bool' || e.type === 'condition') return true;
  if (e.type === 'cmp') return !printCmp(e).includes(' ');
  return false;
}

export function printExpr(e: Expr): string {
  switch (e.type) {
    case 'bool':
      return e.value ? '1' : '0';
    case 'cmp':
      return printCmp(e);
    case 'strcmp':
      return `${e.symbol.name} ${e.relop} ${formatString(e.value)}`;
    case 'condition':
      return `${e.negated ? '!' : ''}is_chassis_resident(${formatString(e.port)})`;
    case 'not':
      return isAtomic(e.operand) && !(e.operand.type === 'condition' && e.operand.negated) && !printExpr(e.operand).startsWith('!')
        ? `!${printExpr(e.operand)}`
        : `!(${printExpr(e.operand)})`;
    case 'and':
    case 'or': {
      const op = e.type === 'and' ? ' && ' : ' || ';
      return e.operands.map((o) => (o.type === 'and' || o.type === 'or' ? `(${printExpr(o)})` : printExpr(o))).join(op);
    }
    default:
      return unreachable(e, 'expression');
  }
}
