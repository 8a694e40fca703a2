// Type checking of a match: resolves names against the symbol table and the caller's address sets and
// port groups, and applies upstream's rules (lib/expr.c make_cmp/parse_field) with positioned errors:
// unknown fields, bad bit selections, string vs integer, constants wider than the field, relational
// operators on nominal fields, sets or masked constants, and nominal predicates tested negatively.
import { LflowError } from './errors';
import { combine, falseExpr, ones, trueExpr, type Expr } from './expr';
import type { NameLookup } from './lookup';
import { TokenStream } from './token-stream';
import type { Constant, ConstantSet, FieldRef, Relop, SyntaxExpr } from './syntax';
import type { LogicalSymbol, Symtab } from './symtab';
import { unreachable } from '../util/assert';

/** Most members one $set / @group may expand to: bounds memory on a hostile or broken database. */
export const maxSetMembersCount = 1_000_000;

export interface CheckContext {
  symtab: Symtab;
  names: NameLookup;
}

/** A resolved field reference: symbol plus the selected bits. */
export interface TypedField {
  symbol: LogicalSymbol;
  ofs: number;
  bits: number;
}

export function resolveField(ref: FieldRef, symtab: Symtab): TypedField {
  const symbol = symtab.get(ref.name);
  if (!symbol) throw new LflowError(ref.pos, `Unknown field \`${ref.name}'.`);
  if (!ref.bits) return { symbol, ofs: 0, bits: symbol.width };
  const { lo, hi } = ref.bits;
  if (symbol.width === 0) throw new LflowError(ref.pos, `Cannot select subfield of string field ${symbol.name}.`);
  if (hi >= symbol.width) {
    throw new LflowError(ref.pos, `Cannot select bits ${lo} to ${hi} of ${symbol.width}-bit field ${symbol.name}.`);
  }
  if (symbol.level === 'nominal' && (lo !== 0 || hi !== symbol.width - 1)) {
    throw new LflowError(ref.pos, `Cannot select subfield of nominal field ${symbol.name}.`);
  }
  return { symbol, ofs: lo, bits: hi - lo + 1 };
}

/** Bits a constant needs (upstream expr_constant_width). */
function constantWidth(c: Extract<Constant, { kind: 'int' }>): number {
  if (c.mask !== null) return c.mask.toString(2).length - (c.mask === 0n ? 1 : 0);
  switch (c.format) {
    case 'ipv4':
      return 32;
    case 'ipv6':
      return 128;
    case 'ethernet':
      return 48;
    default:
      return c.value === 0n ? 0 : c.value.toString(2).length;
  }
}

type Resolved = { kind: 'int'; c: Extract<Constant, { kind: 'int' }> } | { kind: 'string'; value: string; pos: number };

export function checkMatch(e: SyntaxExpr, ctx: CheckContext): Expr {
  return new Checker(ctx).check(e, false);
}

class Checker {
  constructor(private readonly ctx: CheckContext) {}

  check(e: SyntaxExpr, negated: boolean): Expr {
    switch (e.type) {
      case 'bool':
        return e.value ? trueExpr : falseExpr;
      case 'chassis_resident':
        return { type: 'condition', port: e.port, negated: false, pos: e.pos };
      case 'not':
        return { type: 'not', operand: this.check(e.operand, !negated) };
      case 'and':
      case 'or':
        return { type: e.type, operands: e.operands.map((o) => this.check(o, negated)) };
      case 'field':
        return this.bareField(e.field, negated);
      case 'cmp':
        return this.cmp(resolveField(e.field, this.ctx.symtab), e.field, e.relop, e.set, negated);
      default:
        return unreachable(e, 'syntax node');
    }
  }

  private bareField(ref: FieldRef, negated: boolean): Expr {
    const f = resolveField(ref, this.ctx.symtab);
    if (f.symbol.width === 0) {
      throw new LflowError(ref.pos, `String field ${f.symbol.name} must be compared with == or != and a port name.`);
    }
    if (f.bits > 1 && !negated) {
      throw new LflowError(ref.pos, `Explicit \`!= 0' is required for inequality test of multibit field ${f.symbol.name} against 0.`);
    }
    const zero: ConstantSet = { values: [{ kind: 'int', value: 0n, mask: null, format: 'hex', pos: ref.pos }], braces: false, pos: ref.pos };
    return this.cmp(f, ref, '!=', zero, negated);
  }

  private expandSet(set: ConstantSet): Resolved[] {
    const out: Resolved[] = [];
    let type: 'int' | 'string' | null = null;
    const add = (r: Resolved, pos: number) => {
      if (type !== null && type !== r.kind) {
        throw new LflowError(pos, `Syntax error: expecting ${type === 'int' ? 'integer' : 'string'} constant in set, not ${r.kind === 'int' ? 'an integer' : 'a string'}.`);
      }
      type = r.kind;
      if (out.length >= maxSetMembersCount) throw new LflowError(pos, `Set has more than ${maxSetMembersCount} members.`);
      out.push(r);
    };
    for (const c of set.values) {
      switch (c.kind) {
        case 'int':
          add({ kind: 'int', c }, c.pos);
          break;
        case 'string':
          add({ kind: 'string', value: c.value, pos: c.pos }, c.pos);
          break;
        case 'addrset': {
          const members = this.ctx.names.addressSet(c.name);
          if (!members) throw new LflowError(c.pos, `Unknown address set \`$${c.name}'.`);
          for (const text of members) add({ kind: 'int', c: parseMember(text, c) }, c.pos);
          break;
        }
        case 'portgroup': {
          const members = this.ctx.names.portGroup(c.name);
          if (!members) throw new LflowError(c.pos, `Unknown port group \`@${c.name}'.`);
          for (const port of members) add({ kind: 'string', value: port, pos: c.pos }, c.pos);
          break;
        }
      }
    }
    return out;
  }

  private cmp(f: TypedField, ref: FieldRef, relop: Relop, set: ConstantSet, negated: boolean): Expr {
    const sym = f.symbol;
    if (sym.kind === 'ovn-field') {
      // No OpenFlow field holds it: upstream accepts the name here but cannot match on it (ovn-trace aborts).
      throw new LflowError(ref.pos, `Field ${sym.name} can only be set by actions, not matched.`);
    }
    const values = this.expandSet(set);
    const isString = sym.width === 0;
    for (const v of values) {
      if (isString && v.kind === 'int') {
        throw new LflowError(v.c.pos, `String field ${sym.name} is not compatible with integer constant.`);
      }
      if (!isString && v.kind === 'string') {
        throw new LflowError(v.pos, `Integer field ${sym.name} is not compatible with string constant.`);
      }
      if (v.kind === 'int') {
        const w = constantWidth(v.c);
        if (w > f.bits) {
          throw new LflowError(v.c.pos, `${w}-bit constant is not compatible with ${f.bits}-bit field ${printRef(ref)}.`);
        }
      }
    }
    if (relop !== '==' && relop !== '!=') {
      if (set.braces) throw new LflowError(set.pos, 'Only == and != operators may be used with value sets.');
      if (sym.level !== 'ordinal') {
        throw new LflowError(ref.pos, `Only == and != operators may be used with ${sym.level} field ${sym.name}.`);
      }
      if (values.length === 0) {
        throw new LflowError(set.pos, 'Only == and != operators may be used to compare a field against an empty value set.');
      }
      const first = values[0]!;
      if (first.kind === 'int' && first.c.mask !== null) {
        throw new LflowError(first.c.pos, 'Only == and != operators may be used with masked constants. Consider using subfields instead (e.g. eth.src[0..15] > 0x1111).');
      }
    }
    if (sym.level === 'nominal') {
      if (sym.kind === 'predicate') {
        for (const v of values) {
          const bit = v.kind === 'int' ? (v.c.value & 1n) === 1n : true;
          const positive = bit !== (relop === '!=') !== negated;
          if (!positive) {
            const n = sym.name;
            throw new LflowError(ref.pos, `Nominal predicate ${n} may only be tested positively, e.g. \`${n}' or \`${n} == 1' but not \`!${n}' or \`${n} == 0'.`);
          }
        }
      } else if (relop !== (negated ? '!=' : '==')) {
        throw new LflowError(ref.pos, `Nominal field ${sym.name} may only be tested for equality (taking enclosing \`!' operators into account).`);
      }
    }
    if (values.length === 0) return relop === '!=' ? trueExpr : falseExpr;
    const cmps: Expr[] = values.map((v) => {
      if (v.kind === 'string') return { type: 'strcmp', symbol: sym, relop: relop as '==' | '!=', value: v.value, pos: ref.pos };
      const shift = BigInt(f.ofs);
      const mask = (v.c.mask ?? ones(f.bits)) << shift;
      return { type: 'cmp', symbol: sym, relop, value: (v.c.value << shift) & mask, mask, pos: ref.pos };
    });
    return cmps.length === 1 ? cmps[0]! : combine(relop === '==' ? 'or' : 'and', cmps);
  }
}

function parseMember(text: string, at: Extract<Constant, { kind: 'addrset' }>): Extract<Constant, { kind: 'int' }> {
  try {
    const ts = new TokenStream(text);
    const c = ts.parseConstant();
    ts.expect('end');
    if (c.kind !== 'int') throw new LflowError(0, 'not an integer constant');
    return { ...c, pos: at.pos };
  } catch (e) {
    if (!(e instanceof LflowError)) throw e;
    throw new LflowError(at.pos, `Address set $${at.name} member ${JSON.stringify(text)} is not a valid constant: ${e.problem}`);
  }
}

function printRef(ref: FieldRef): string {
  if (!ref.bits) return ref.name;
  return ref.bits.lo === ref.bits.hi ? `${ref.name}[${ref.bits.lo}]` : `${ref.name}[${ref.bits.lo}..${ref.bits.hi}]`;
}
