// Parser for logical flow actions (see action-syntax.ts for the forms). Which names are actions, which
// take arguments or a nested block, and which are result functions comes from action-table.ts.
import { attempt, type Result } from './errors';
import type { ActionArg, Actions, ArgTerm, Statement } from './action-syntax';
import { maxNestedActionDepthCount, resultFunctions, statementActions } from './action-table';
import { TokenStream } from './token-stream';

/** Bound on [..] and {..} nesting inside one argument (real actions use one level). */
export const maxArgNestingCount = 8;

export function parseActions(input: string): Result<Actions> {
  return attempt(() => parseActionsOrThrow(input));
}

export function parseActionsOrThrow(input: string): Actions {
  const ts = new TokenStream(input);
  if (ts.isId('drop') && ts.peek().type === ';') {
    // "drop;" alone is the empty action list; it cannot be combined with other actions.
    ts.advance();
    ts.advance();
    ts.expect('end', 'end of input (`drop;\' cannot be combined with other actions)');
    return { drop: true, statements: [] };
  }
  const p = new ActionParser(ts);
  const statements = p.statements('end', 0);
  return { drop: false, statements };
}

class ActionParser {
  constructor(private readonly ts: TokenStream) {}

  statements(until: 'end' | '}', depth: number): Statement[] {
    const out: Statement[] = [];
    while (!this.ts.match(until)) {
      if (this.ts.is('end')) this.ts.syntaxError(until === '}' ? "`}'" : 'action');
      out.push(this.statement(depth));
    }
    return out;
  }

  private statement(depth: number): Statement {
    const ts: TokenStream = this.ts;
    const t = ts.token;
    if (t.type !== 'id') ts.syntaxError('action');
    const next = ts.peek().type;
    let s: Statement;
    if (next === '=' || next === '<->' || next === '[') {
      s = this.assignment();
    } else if (next === '--') {
      const field = ts.parseFieldRef();
      ts.advance();
      s = { type: 'decrement', field, pos: t.pos };
    } else {
      const spec = statementActions.get(t.text);
      if (!spec) ts.syntaxError('action');
      ts.advance();
      let args: ActionArg[] | null = null;
      let nested: Statement[] | null = null;
      if (ts.is('(')) {
        if (spec.args === 'none') ts.error(`Action \`${t.text}' takes no arguments.`);
        args = this.args();
      } else if (spec.args === 'required') {
        ts.syntaxError(`\`(' (action \`${t.text}' needs arguments)`);
      }
      if (ts.is('{')) {
        if (spec.nested === 'none') ts.error(`Action \`${t.text}' takes no nested actions.`);
        if (args !== null) ts.error(`Action \`${t.text}' takes arguments or nested actions, not both.`);
        if (depth + 1 >= maxNestedActionDepthCount) ts.error('maximum depth of nested actions reached');
        ts.advance();
        nested = this.statements('}', depth + 1);
      } else if (spec.nested === 'required') {
        ts.syntaxError(`\`{' (action \`${t.text}' needs nested actions)`);
      }
      s = { type: 'action', name: t.text, args, nested, pos: t.pos };
    }
    ts.expect(';');
    return s;
  }

  private assignment(): Statement {
    const ts: TokenStream = this.ts;
    const pos = ts.token.pos;
    const lhs = ts.parseFieldRef();
    if (ts.match('<->')) return { type: 'exchange', lhs, rhs: ts.parseFieldRef(), pos };
    if (!ts.match('=')) ts.syntaxError("`=' or `<->'");
    const t = ts.token;
    if (t.type === 'id') {
      if (ts.peek().type === '(' && resultFunctions.has(t.text)) {
        ts.advance();
        return { type: 'result', lhs, name: t.text, args: this.args(), pos };
      }
      return { type: 'move', lhs, rhs: ts.parseFieldRef(), pos };
    }
    return { type: 'load', lhs, value: ts.parseConstant(), pos };
  }

  /** '(' [arg ((',' | ';') arg)*] [',' | ';'] ')' */
  private args(): ActionArg[] {
    const ts: TokenStream = this.ts;
    ts.expect('(');
    const out: ActionArg[] = [];
    let sep: ActionArg['sep'] = null;
    while (!ts.match(')')) {
      out.push(this.arg(sep));
      if (ts.match(',')) sep = ',';
      else if (ts.match(';')) sep = ';';
      else if (ts.token.type === 'id' && ts.peek().type === '=') sep = null;
      else if (!ts.is(')')) ts.syntaxError("`,' or `)'");
    }
    return out;
  }

  private arg(sep: ActionArg['sep']): ActionArg {
    const ts: TokenStream = this.ts;
    const pos = ts.token.pos;
    let key: string | null = null;
    const t = ts.token;
    if (t.type === 'id' && ts.peek().type === '=') {
      key = t.text;
      ts.advance();
      ts.advance();
    }
    const terms: ArgTerm[] = [];
    while (!ts.is(',') && !ts.is(';') && !ts.is(')')) {
      // Upstream lets `key = value` options follow each other without commas (log, put_dhcp_opts, ...).
      if (terms.length > 0 && ts.token.type === 'id' && ts.peek().type === '=') break;
      terms.push(this.term(0));
    }
    if (terms.length === 0) ts.syntaxError('argument');
    return { key, terms, sep, pos };
  }

  private term(depth: number): ArgTerm {
    const ts: TokenStream = this.ts;
    const t = ts.token;
    if (depth >= maxArgNestingCount) ts.error(`Arguments nested more than ${maxArgNestingCount} deep.`);
    switch (t.type) {
      case 'int':
      case 'string':
      case 'addrset':
      case 'portgroup':
        return { kind: 'const', c: ts.parseConstant() };
      case 'id':
        return { kind: 'name', ref: ts.parseFieldRef() };
      case ':':
      case '-':
      case '=':
      case '..':
        ts.advance();
        return { kind: 'punct', text: t.type, pos: t.pos };
      case '[': {
        ts.advance();
        const terms: ArgTerm[] = [];
        while (!ts.match(']')) {
          if (ts.is('end')) ts.syntaxError("`]'");
          terms.push(this.term(depth + 1));
        }
        return { kind: 'brackets', terms, pos: t.pos };
      }
      case '{': {
        ts.advance();
        const members: ArgTerm[][] = [];
        while (!ts.match('}')) {
          const m: ArgTerm[] = [];
          while (!ts.is(',') && !ts.is('}')) {
            if (ts.is('end')) ts.syntaxError("`}'");
            m.push(this.term(depth + 1));
          }
          if (m.length === 0) ts.syntaxError('set member');
          members.push(m);
          ts.match(',');
        }
        return { kind: 'set', members, pos: t.pos };
      }
      default:
        return ts.syntaxError('argument');
    }
  }
}
