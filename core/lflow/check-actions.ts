// Type checking of actions against the symbol table (upstream lib/actions.c rules): assignment targets
// must be writable fields in the current scope (ct_mark only inside ct_commit { }), constants must fit,
// moves and exchanges need equal widths and the same kind (string or integer), result functions need the
// destination width they write. Returns the prerequisites the actions add to the flow's match.
import type { ActionArg, Actions, ArgTerm, Statement } from './action-syntax';
import { actionArgSchemas, constantArgActions, fieldArgActions, resultFunctions, resultPrereqs, statementActions, type ArgSchema, type ArgValueSpec } from './action-table';
import { actionArgCheckers } from './action-args';
import { resolveField, type CheckContext, type TypedField } from './check-match';
import { LflowError } from './errors';
import type { FieldRef, Constant } from './syntax';
import type { WriteScope } from './symtab';
import { unreachable } from '../util/assert';

export interface CheckedActions {
  /** Match expressions (symbol prerequisites and action prerequisites) the actions require, deduplicated. */
  prereqs: string[];
}

export function checkActions(a: Actions, ctx: CheckContext): CheckedActions {
  const c = new ActionChecker(ctx);
  c.statements(a.statements, 'default');
  return { prereqs: [...c.prereqs] };
}

class ActionChecker {
  readonly prereqs = new Set<string>();

  constructor(private readonly ctx: CheckContext) {}

  statements(list: Statement[], scope: WriteScope): void {
    for (const s of list) this.statement(s, scope);
  }

  private field(ref: FieldRef): TypedField {
    const f = resolveField(ref, this.ctx.symtab);
    if (f.symbol.prereqs !== null) this.prereqs.add(f.symbol.prereqs);
    return f;
  }

  private writable(ref: FieldRef, scope: WriteScope): TypedField {
    const f = this.field(ref);
    if (f.symbol.expansion !== null) throw new LflowError(ref.pos, `Predicate symbol ${f.symbol.name} used where lvalue required.`);
    if (!f.symbol.writableIn.has(scope)) {
      const where = f.symbol.writableIn.has('ct_commit') ? ' (only inside ct_commit { ... })' : '';
      throw new LflowError(ref.pos, `Field ${f.symbol.name} is not modifiable${where}.`);
    }
    return f;
  }

  private statement(s: Statement, scope: WriteScope): void {
    switch (s.type) {
      case 'load': {
        const f = this.writable(s.lhs, scope);
        this.checkConstant(f, s.value);
        return;
      }
      case 'move':
      case 'exchange': {
        const l = this.writable(s.lhs, scope);
        const r = s.type === 'exchange' ? this.writable(s.rhs, scope) : this.field(s.rhs);
        if (r.symbol.expansion !== null) throw new LflowError(s.rhs.pos, `Predicate symbol ${r.symbol.name} used where a field is required.`);
        const kind = (f: TypedField) => (f.symbol.width === 0 ? 'string' : 'integer');
        if (kind(l) !== kind(r)) {
          throw new LflowError(s.rhs.pos, s.type === 'exchange'
            ? `Can't exchange ${kind(l)} field (${l.symbol.name}) with ${kind(r)} field (${r.symbol.name}).`
            : `Can't assign ${kind(r)} field (${r.symbol.name}) to ${kind(l)} field (${l.symbol.name}).`);
        }
        if (l.bits !== r.bits) {
          throw new LflowError(s.rhs.pos, s.type === 'exchange'
            ? `Can't exchange ${l.bits}-bit field with ${r.bits}-bit field.`
            : `Can't assign ${r.bits}-bit value to ${l.bits}-bit destination.`);
        }
        return;
      }
      case 'decrement':
        if (s.field.name !== 'ip.ttl' || s.field.bits !== null) throw new LflowError(s.pos, `Only ip.ttl may be decremented with \`--', not ${s.field.name}.`);
        this.field(s.field);
        return;
      case 'result': {
        const spec = resultFunctions.get(s.name)!;
        const f = this.writable(s.lhs, scope);
        if ('bits' in spec && f.bits !== spec.bits) {
          throw new LflowError(s.lhs.pos, `Cannot use ${f.bits === 0 ? 'string' : `${f.bits}-bit`} field ${f.symbol.name} where ${spec.bits}-bit field is required by ${s.name}.`);
        }
        if ('minBits' in spec && f.bits < spec.minBits) {
          throw new LflowError(s.lhs.pos, `Cannot use ${f.bits}-bit field ${f.symbol.name} for "${s.name}", which requires at least ${spec.minBits} bits.`);
        }
        if ('bitsOrString' in spec && f.bits !== 0 && f.bits !== spec.bitsOrString) {
          throw new LflowError(s.lhs.pos, `Cannot use ${f.bits}-bit field ${f.symbol.name} where a ${spec.bitsOrString}-bit or string field is required by ${s.name}.`);
        }
        this.args(s.name, s.args);
        const prereq = resultPrereqs.get(s.name);
        if (prereq) this.prereqs.add(prereq);
        return;
      }
      case 'action': {
        const spec = statementActions.get(s.name)!;
        if (spec.prereq) this.prereqs.add(spec.prereq);
        const schema = actionArgSchemas.get(s.name);
        if (schema) checkSchema(s.name, schema, s.args ?? [], s.pos);
        actionArgCheckers.get(s.name)?.(s.name, s.args ?? [], s.pos);
        if (s.args) this.args(s.name, s.args);
        if (s.nested) {
          // Nested actions (icmp4 { icmp4.type = 11; ... }, ct_commit { ... }, clone { ... }) are checked, but
          // their prerequisites are dropped, as upstream parse_nested_action does: they describe the packet
          // the action builds, not the one the flow matches.
          const outer = [...this.prereqs];
          this.statements(s.nested, spec.scope ?? scope);
          this.prereqs.clear();
          for (const p of outer) this.prereqs.add(p);
        }
        return;
      }
      default:
        return unreachable(s, 'statement');
    }
  }

  private checkConstant(f: TypedField, c: Constant): void {
    const name = f.symbol.name;
    switch (c.kind) {
      case 'addrset':
      case 'portgroup':
        throw new LflowError(c.pos, `Address sets and port groups cannot be assigned to ${name}.`);
      case 'string':
        if (f.bits !== 0) throw new LflowError(c.pos, `Integer field ${name} is not compatible with string constant.`);
        return;
      case 'int': {
        if (f.bits === 0) throw new LflowError(c.pos, `String field ${name} is not compatible with integer constant.`);
        const width = c.mask !== null ? c.mask.toString(2).length : c.format === 'ipv4' ? 32 : c.format === 'ipv6' ? 128 : c.format === 'ethernet' ? 48 : c.value === 0n ? 0 : c.value.toString(2).length;
        if (width > f.bits) {
          // Stricter than upstream, which checks against the whole field and drops the extra bits.
          const shown = f.bits === f.symbol.width ? name : `${name}[${f.ofs}..${f.ofs + f.bits - 1}]`;
          throw new LflowError(c.pos, `${width}-bit constant is not compatible with ${f.bits}-bit field ${shown}.`);
        }
        return;
      }
      default:
        unreachable(c, 'constant');
    }
  }

  /** Field-only actions resolve every argument; others resolve names written with a bit selection. */
  private args(name: string, args: ActionArg[]): void {
    const allFields = fieldArgActions.has(name);
    const visit = (t: ArgTerm) => {
      switch (t.kind) {
        case 'name':
          // Other names may be keywords (pipeline=ingress, verdict=allow); known symbols are checked.
          if (allFields || t.ref.bits !== null || this.ctx.symtab.get(t.ref.name)) this.field(t.ref);
          return;
        case 'brackets':
          t.terms.forEach(visit);
          return;
        case 'set':
          t.members.forEach((m) => m.forEach(visit));
          return;
        default:
          return;
      }
    };
    for (const a of args) {
      if (constantArgActions.has(name)) checkOptionArg(name, a);
      if (allFields && (a.key !== null || a.terms.length !== 1 || a.terms[0]!.kind !== 'name')) {
        throw new LflowError(a.pos, `Syntax error: ${name} expects fields as arguments.`);
      }
      a.terms.forEach(visit);
    }
  }
}

/** `option = constant` or `option = {constant, ...}`, as upstream parse_put_opts requires. */
function checkOptionArg(name: string, a: ActionArg): void {
  if (a.key === null) throw new LflowError(a.pos, `Syntax error: ${name} expects \`option = value' arguments.`);
  const isConst = (t: ArgTerm) => t.kind === 'const' && (t.c.kind === 'int' || t.c.kind === 'string');
  const t = a.terms[0]!;
  const ok = a.terms.length === 1 && (isConst(t) || (t.kind === 'set' && t.members.every((m) => m.length === 1 && isConst(m[0]!))));
  if (!ok) {
    const bad = a.terms.find((x) => !isConst(x) && x.kind !== 'set') ?? t;
    const pos = bad.kind === 'const' ? bad.c.pos : bad.kind === 'name' ? bad.ref.pos : bad.pos;
    throw new LflowError(pos, `Syntax error in ${name} option ${a.key}: expecting constant.`);
  }
}

function termPos(t: ArgTerm): number {
  return t.kind === 'const' ? t.c.pos : t.kind === 'name' ? t.ref.pos : t.pos;
}

function checkValue(name: string, what: string, spec: ArgValueSpec, terms: ArgTerm[], at: number): void {
  const t = terms[0];
  if (!t) throw new LflowError(at, `Syntax error in ${name}: expecting a value for ${what}.`);
  if (terms.length > 1) throw new LflowError(termPos(terms[1]!), `Syntax error in ${name}: ${what} takes a single value.`);
  switch (spec.type) {
    case 'int':
      if (t.kind !== 'const' || t.c.kind !== 'int' || t.c.format !== 'decimal' || t.c.mask !== null || t.c.value > 0x7fffffffn) {
        throw new LflowError(termPos(t), `Syntax error in ${name}: ${what} must be a small decimal integer.`);
      }
      return;
    case 'string':
      if (t.kind !== 'const' || t.c.kind !== 'string') throw new LflowError(termPos(t), `Syntax error in ${name}: ${what} must be a string.`);
      if (spec.maxChars !== undefined && new TextEncoder().encode(t.c.value).length > spec.maxChars) {
        throw new LflowError(termPos(t), `Syntax error in ${name}: ${what} must be shorter than ${spec.maxChars + 1} characters.`);
      }
      return;
    case 'word':
      if (t.kind !== 'name' || t.ref.bits !== null || !spec.oneOf.includes(t.ref.name)) {
        throw new LflowError(termPos(t), `Syntax error in ${name}: ${what} must be one of ${spec.oneOf.join(', ')}.`);
      }
      return;
    default:
      unreachable(spec, 'argument value spec');
  }
}

/** Checks simple option arguments against an action's schema (action-table.ts actionArgSchemas). */
function checkSchema(name: string, schema: ArgSchema, args: ActionArg[], at: number): void {
  if (schema.positional && args.length > 0 && args[0]!.key === null) {
    if (args.length > 1) throw new LflowError(args[1]!.pos, `Syntax error in ${name}: expecting \`)' after the single argument.`);
    checkValue(name, 'the argument', schema.positional, args[0]!.terms, args[0]!.pos);
    return;
  }
  const seen = new Set<string>();
  for (const a of args) {
    if (a.key === null || !Object.hasOwn(schema.keys, a.key)) {
      const keys = Object.keys(schema.keys).join(', ');
      throw new LflowError(a.pos, `Syntax error in ${name}: expecting an option (${keys}).`);
    }
    checkValue(name, a.key, schema.keys[a.key]!, a.terms, a.pos);
    seen.add(a.key);
  }
  for (const k of schema.required ?? []) {
    if (!seen.has(k)) throw new LflowError(at, `Syntax error in ${name}: expecting ${k}.`);
  }
}
