// Canonical text of a match syntax tree: one space around binary operators, fields first in comparisons,
// nested && / || always parenthesized. parseMatch(printSyntax(e)) yields e again (positions aside).
import { formatMaskedInt, formatString } from './format-constant';
import type { Constant, ConstantSet, FieldRef, SyntaxExpr } from './syntax';
import { unreachable } from '../util/assert';

export function printConstant(c: Constant): string {
  switch (c.kind) {
    case 'int':
      return formatMaskedInt(c.value, c.mask, c.format);
    case 'string':
      return formatString(c.value);
    case 'addrset':
      return `$${c.name}`;
    case 'portgroup':
      return `@${c.name}`;
  }
}

export function printConstantSet(s: ConstantSet): string {
  const body = s.values.map(printConstant).join(', ');
  return s.braces ? `{${body}}` : body;
}

export function printFieldRef(f: FieldRef): string {
  if (f.bits === null) return f.name;
  return f.bits.lo === f.bits.hi ? `${f.name}[${f.bits.lo}]` : `${f.name}[${f.bits.lo}..${f.bits.hi}]`;
}

export function printSyntax(e: SyntaxExpr): string {
  switch (e.type) {
    case 'cmp':
      return `${printFieldRef(e.field)} ${e.relop} ${printConstantSet(e.set)}`;
    case 'field':
      return printFieldRef(e.field);
    case 'bool':
      return e.value ? '1' : '0';
    case 'chassis_resident':
      return `is_chassis_resident(${formatString(e.port)})`;
    case 'not': {
      const inner = printSyntax(e.operand);
      const atomic = e.operand.type === 'field' || e.operand.type === 'bool' || e.operand.type === 'chassis_resident';
      return atomic ? `!${inner}` : `!(${inner})`;
    }
    case 'and':
    case 'or': {
      const op = e.type === 'and' ? ' && ' : ' || ';
      return e.operands.map((o) => (o.type === 'and' || o.type === 'or' ? `(${printSyntax(o)})` : printSyntax(o))).join(op);
    }
    default:
      return unreachable(e, 'syntax node');
  }
}
