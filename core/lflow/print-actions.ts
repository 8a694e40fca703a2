// Canonical text of actions: one space between statements, `key=value` arguments, `name { ... };` blocks.
// parseActions(printActions(a)) yields a again (positions aside).
import type { ActionArg, Actions, ArgTerm, Statement } from './action-syntax';
import { printConstant, printFieldRef } from './print-syntax';
import { unreachable } from '../util/assert';

function printTerm(t: ArgTerm): string {
  switch (t.kind) {
    case 'const':
      return printConstant(t.c);
    case 'name':
      return printFieldRef(t.ref);
    case 'punct':
      return t.text;
    case 'brackets':
      return `[${printTerms(t.terms)}]`;
    case 'set':
      return `{${t.members.map(printTerms).join(', ')}}`;
    default:
      return unreachable(t, 'argument term');
  }
}

/** Whether `a` and `b` may touch without a space and still lex as the same two tokens. */
function mayJoin(a: ArgTerm, b: ArgTerm): boolean {
  const joinable = (t: ArgTerm) =>
    t.kind === 'brackets' || (t.kind === 'const' && t.c.kind === 'int' && t.c.mask === null && (t.c.format === 'ipv4' || t.c.format === 'decimal'));
  const decimal = (t: ArgTerm) => t.kind === 'const' && t.c.kind === 'int' && t.c.mask === null && t.c.format === 'decimal';
  if (a.kind === 'punct' && (a.text === ':' || a.text === '-' || a.text === '=')) return decimal(b);
  if (b.kind === 'punct' && (b.text === ':' || b.text === '-')) return joinable(a);
  if (b.kind === 'punct' && b.text === '=') return decimal(a); // select(1=50, 2=50)
  return false;
}

function printTerms(terms: ArgTerm[]): string {
  let out = '';
  terms.forEach((t, i) => {
    if (i > 0 && !mayJoin(terms[i - 1]!, t)) out += ' ';
    out += printTerm(t);
  });
  return out;
}

function printKey(a: ActionArg): string {
  if (a.key === null) return '';
  // "key= =x" must not become "key==x", which lexes as `==`.
  const first = a.terms[0];
  return first?.kind === 'punct' && first.text === '=' ? `${a.key} = ` : `${a.key}=`;
}

function printArgs(args: ActionArg[]): string {
  return args
    .map((a, i) => `${i === 0 ? '' : a.sep === ';' ? '; ' : ', '}${printKey(a)}${printTerms(a.terms)}`)
    .join('');
}

export function printStatement(s: Statement): string {
  switch (s.type) {
    case 'load':
      return `${printFieldRef(s.lhs)} = ${printConstant(s.value)};`;
    case 'move':
      return `${printFieldRef(s.lhs)} = ${printFieldRef(s.rhs)};`;
    case 'exchange':
      return `${printFieldRef(s.lhs)} <-> ${printFieldRef(s.rhs)};`;
    case 'decrement':
      return `${printFieldRef(s.field)}--;`;
    case 'result':
      return `${printFieldRef(s.lhs)} = ${s.name}(${printArgs(s.args)});`;
    case 'action': {
      let out = s.name;
      if (s.args !== null) out += `(${printArgs(s.args)})`;
      if (s.nested !== null) out += s.nested.length === 0 ? ' { }' : ` { ${s.nested.map(printStatement).join(' ')} }`;
      return out + ';';
    }
    default:
      return unreachable(s, 'statement');
  }
}

export function printActions(a: Actions): string {
  return a.drop ? 'drop;' : a.statements.map(printStatement).join(' ');
}
