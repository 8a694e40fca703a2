// The syntax tree of a match expression, exactly as written (before any symbol table is consulted).
// Positions are character offsets into the source text, so later checks can report where a problem is.
import type { IntFormat } from './lexer';

export type Relop = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type Constant =
  | { kind: 'int'; value: bigint; mask: bigint | null; format: IntFormat; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'addrset'; name: string; pos: number }
  | { kind: 'portgroup'; name: string; pos: number };

export interface ConstantSet {
  values: Constant[];
  /** Written inside {...}: then only == and != may compare it (upstream rule). */
  braces: boolean;
  pos: number;
}

export interface FieldRef {
  name: string;
  /** A bit range [lo..hi] or single bit [n] written after the name. */
  bits: { lo: number; hi: number } | null;
  pos: number;
}

export type SyntaxExpr =
  | { type: 'cmp'; field: FieldRef; relop: Relop; set: ConstantSet; pos: number }
  /** A field written alone, e.g. `ct.est` or `reg0[3]`: true when the field is nonzero. */
  | { type: 'field'; field: FieldRef; pos: number }
  | { type: 'bool'; value: boolean; pos: number }
  | { type: 'not'; operand: SyntaxExpr; pos: number }
  | { type: 'and' | 'or'; operands: SyntaxExpr[]; pos: number }
  | { type: 'chassis_resident'; port: string; pos: number };

const turned: Record<Relop, Relop> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
/** The relop with its operands swapped: `5 < x` is `x > 5`. */
export function turnRelop(r: Relop): Relop {
  return turned[r];
}

const inverted: Record<Relop, Relop> = { '==': '!=', '!=': '==', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };
/** The relop of the negated comparison: !(x < 5) is x >= 5. */
export function invertRelop(r: Relop): Relop {
  return inverted[r];
}

export const relops: ReadonlyArray<Relop> = ['==', '!=', '<', '<=', '>', '>='];
