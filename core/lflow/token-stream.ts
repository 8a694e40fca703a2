// A cursor over the token array, with the helpers both the match and the action parsers use.
import { LflowError } from './errors';
import { describeToken, tokenize, type Punct, type Token } from './lexer';
import type { Constant, ConstantSet, FieldRef } from './syntax';

export class TokenStream {
  private readonly tokens: Token[];
  private i = 0;

  constructor(readonly input: string) {
    this.tokens = tokenize(input);
  }

  get token(): Token {
    return this.tokens[this.i]!;
  }

  peek(ahead = 1): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  advance(): Token {
    const t = this.token;
    if (t.type !== 'end') this.i++;
    return t;
  }

  is(type: Token['type']): boolean {
    return this.token.type === type;
  }

  isId(text: string): boolean {
    const t = this.token;
    return t.type === 'id' && t.text === text;
  }

  match(type: Punct | 'end'): boolean {
    if (this.token.type !== type) return false;
    this.advance();
    return true;
  }

  expect(type: Punct | 'end', what?: string): Token {
    const t = this.token;
    if (t.type !== type) this.syntaxError(what ?? (type === 'end' ? 'end of input' : `\`${type}'`));
    return this.advance();
  }

  syntaxError(expecting: string, at: Token = this.token): never {
    throw new LflowError(at.pos, `Syntax error at ${describeToken(at)} expecting ${expecting}.`);
  }

  error(message: string, pos: number = this.token.pos): never {
    throw new LflowError(pos, message);
  }

  /** NAME or NAME[n] or NAME[lo..hi]. */
  parseFieldRef(): FieldRef {
    const t = this.token;
    if (t.type !== 'id') this.syntaxError('field name');
    this.advance();
    let bits: FieldRef['bits'] = null;
    if (this.match('[')) {
      const lo = this.parseSmallInt('bit index');
      const hi = this.match('..') ? this.parseSmallInt('bit index') : lo;
      this.expect(']');
      if (lo > hi) this.error(`Invalid bit range ${lo} to ${hi}.`, t.pos);
      bits = { lo, hi };
    }
    return { name: t.text, bits, pos: t.pos };
  }

  /** A decimal integer small enough to be a bit index or a table number. */
  parseSmallInt(what: string): number {
    const t = this.token;
    if (t.type !== 'int' || t.format !== 'decimal' || t.mask !== null) this.syntaxError(what);
    if (t.value > 0x7fffffffn) this.error(`${what} ${t.value} is too large.`, t.pos);
    this.advance();
    return Number(t.value);
  }

  /** One constant: integer (maybe masked), string, $address_set or @port_group. */
  parseConstant(): Constant {
    const t = this.token;
    switch (t.type) {
      case 'int':
        this.advance();
        return { kind: 'int', value: t.value, mask: t.mask, format: t.format, pos: t.pos };
      case 'string':
        this.advance();
        return { kind: 'string', value: t.text, pos: t.pos };
      case 'addrset':
        this.advance();
        return { kind: 'addrset', name: t.text, pos: t.pos };
      case 'portgroup':
        this.advance();
        return { kind: 'portgroup', name: t.text, pos: t.pos };
      default:
        return this.syntaxError('constant');
    }
  }

  /** A constant or a {}-enclosed set of constants (commas between members are optional, as upstream). */
  parseConstantSet(): ConstantSet {
    const pos = this.token.pos;
    if (!this.match('{')) return { values: [this.parseConstant()], braces: false, pos };
    const values: Constant[] = [];
    do {
      values.push(this.parseConstant());
      this.match(',');
    } while (!this.match('}'));
    return { values, braces: true, pos };
  }
}
