// Interprets symbol rows (symbol-table.ts) into a symbol table: widths, levels, parents, write scopes
// and the OpenFlow field each symbol finally lives in. Generic: it knows no field by name.
import { assert } from '../util/assert';
import { ofFields, type OfField } from './of-fields';
import { parseMatchOrThrow } from './parse-match';
import { ovnSymbols, type SymbolSpec } from './symbol-table';
import type { SyntaxExpr } from './syntax';
import { TokenStream } from './token-stream';

/**
 * ordinal: any relation and masking (maskable integer fields and their subfields);
 * nominal: only == and != against whole values (strings, unmaskable fields, predicates over them);
 * boolean: predicates over ordinal fields only (tested like a 1-bit field).
 */
export type Level = 'ordinal' | 'nominal' | 'boolean';
export type WriteScope = 'default' | 'ct_commit';

export interface LogicalSymbol {
  readonly name: string;
  readonly kind: SymbolSpec['kind'];
  /** Bits; 0 for string fields. Predicates are 1 bit wide. */
  readonly width: number;
  readonly level: Level;
  /** Expression that must hold wherever the symbol is used (upstream "prereqs"), or null. */
  readonly prereqs: string | null;
  /** For predicates: the expression the name stands for. */
  readonly expansion: string | null;
  /** For subfields: the symbol and bit offset they are part of. */
  readonly parent: { symbol: LogicalSymbol; ofs: number } | null;
  /** For fields and string fields: the OpenFlow field. */
  readonly of: OfField | null;
  readonly writableIn: ReadonlySet<WriteScope>;
  /** Upstream must_crossproduct: never use the field as a conjunctive-match dimension. */
  readonly crossproduct: boolean;
}

/** Where a symbol's bits finally live: an OpenFlow field (or an OVN-only field) and a bit range. */
export interface Placement {
  root: LogicalSymbol;
  ofs: number;
  bits: number;
}

const noScopes: ReadonlySet<WriteScope> = new Set();
const allScopes: ReadonlySet<WriteScope> = new Set(['default', 'ct_commit']);

export class Symtab {
  private readonly symbols = new Map<string, LogicalSymbol>();

  constructor(specs: ReadonlyArray<SymbolSpec>) {
    for (const spec of specs) {
      assert(!this.symbols.has(spec.name), () => `symbol table: duplicate symbol ${spec.name}`);
      this.symbols.set(spec.name, this.build(spec));
    }
  }

  get(name: string): LogicalSymbol | undefined {
    return this.symbols.get(name);
  }

  all(): LogicalSymbol[] {
    return [...this.symbols.values()];
  }

  /** The root field and bit offset of a symbol (following subfields up to their field). */
  place(symbol: LogicalSymbol): Placement {
    let ofs = 0;
    let s = symbol;
    while (s.parent) {
      ofs += s.parent.ofs;
      s = s.parent.symbol;
    }
    return { root: s, ofs, bits: symbol.width };
  }

  private build(spec: SymbolSpec): LogicalSymbol {
    const base = { name: spec.name, kind: spec.kind, prereqs: null, expansion: null, parent: null, of: null, crossproduct: false };
    switch (spec.kind) {
      case 'field': {
        const of = this.ofField(spec.of, spec.name);
        return {
          ...base,
          width: of.bits,
          level: of.maskable ? 'ordinal' : 'nominal',
          prereqs: spec.prereqs ?? null,
          of,
          writableIn: of.writable ? new Set([spec.scope ?? 'default']) : noScopes,
          crossproduct: spec.crossproduct === true,
        };
      }
      case 'string': {
        const of = this.ofField(spec.of, spec.name);
        return { ...base, width: 0, level: 'nominal', prereqs: spec.prereqs ?? null, of, writableIn: of.writable ? new Set(['default']) : noScopes };
      }
      case 'subfield': {
        const ts = new TokenStream(spec.of);
        const ref = ts.parseFieldRef();
        ts.expect('end');
        const parent = this.symbols.get(ref.name);
        assert(parent && parent.width > 0, () => `symbol table: ${spec.name}: bad parent in ${spec.of}`);
        assert(parent.level === 'ordinal', () => `symbol table: ${spec.name}: parent ${parent.name} is ${parent.level}`);
        const lo = ref.bits?.lo ?? 0;
        const hi = ref.bits?.hi ?? parent.width - 1;
        assert(hi < parent.width, () => `symbol table: ${spec.name}: bits ${lo}..${hi} outside ${parent.name}`);
        return {
          ...base,
          width: hi - lo + 1,
          level: 'ordinal',
          prereqs: spec.prereqs ?? null,
          parent: { symbol: parent, ofs: lo },
          writableIn: parent.writableIn.size > 0 ? new Set([spec.scope ?? 'default']) : noScopes,
        };
      }
      case 'predicate':
        return { ...base, width: 1, level: this.predicateLevel(spec), expansion: spec.expansion, writableIn: noScopes };
      case 'ovn-field':
        return { ...base, width: spec.bits, level: 'nominal', writableIn: allScopes };
    }
  }

  private ofField(id: string, name: string): OfField {
    const of = ofFields.get(id);
    assert(of, () => `symbol table: ${name}: unknown OpenFlow field ${id}`);
    return of;
  }

  /** Upstream expr_get_level: nominal if any comparison in the expansion is on a nominal symbol. */
  private predicateLevel(spec: { name: string; expansion: string }): Level {
    const walk = (e: SyntaxExpr): Level => {
      switch (e.type) {
        case 'cmp':
        case 'field': {
          const s = this.symbols.get(e.field.name);
          assert(s, () => `symbol table: predicate ${spec.name} uses unknown symbol ${e.field.name}`);
          return s.level === 'nominal' ? 'nominal' : 'boolean';
        }
        case 'not':
          return walk(e.operand);
        case 'and':
        case 'or':
          return e.operands.map(walk).includes('nominal') ? 'nominal' : 'boolean';
        default:
          return 'boolean';
      }
    };
    return walk(parseMatchOrThrow(spec.expansion));
  }
}

let ovnSymtabSingleton: Symtab | null = null;

/** The symbol table of OVN 23.03 (built once; symbol tables are immutable). */
export function ovnSymtab(): Symtab {
  if (!ovnSymtabSingleton) ovnSymtabSingleton = new Symtab(ovnSymbols);
  return ovnSymtabSingleton;
}
