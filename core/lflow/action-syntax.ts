// The syntax tree of a logical flow's actions (ovn-sb(5), Logical_Flow "actions"). Statement forms:
//   drop;                              (alone)
//   FIELD = CONSTANT;  FIELD = FIELD;  FIELD <-> FIELD;  ip.ttl--;
//   FIELD = NAME(ARGS);                (result functions: check_pkt_larger, put_dhcp_opts, select, ...)
//   NAME;  NAME(ARGS);  NAME { ACTIONS };                  (next, output, ct_commit { ... }, log(...), ...)
// Arguments are kept as written (optional `key =`, then terms), so each action's compiler can read them.
import type { Constant, FieldRef } from './syntax';

export type ArgTerm =
  | { kind: 'const'; c: Constant }
  /** An identifier, maybe with a bit selection: a field (arp.spa, reg0[0..15]) or a keyword (ingress). */
  | { kind: 'name'; ref: FieldRef }
  | { kind: 'punct'; text: ':' | '-' | '=' | '..'; pos: number }
  /** [fd00::2] as in ct_lb backends. */
  | { kind: 'brackets'; terms: ArgTerm[]; pos: number }
  /** {8.8.8.8, 7.7.7.7} as in DHCP options. */
  | { kind: 'set'; members: ArgTerm[][]; pos: number };

export interface ActionArg {
  key: string | null;
  terms: ArgTerm[];
  /**
   * The separator written before this argument: ',' normally, ';' in ct_lb's "backends=...; hash_fields=...",
   * null for the first argument or a `key = value` option written without a comma (upstream allows it).
   */
  sep: ',' | ';' | null;
  pos: number;
}

export type Statement =
  | { type: 'load'; lhs: FieldRef; value: Constant; pos: number }
  | { type: 'move'; lhs: FieldRef; rhs: FieldRef; pos: number }
  | { type: 'exchange'; lhs: FieldRef; rhs: FieldRef; pos: number }
  | { type: 'decrement'; field: FieldRef; pos: number }
  | { type: 'result'; lhs: FieldRef; name: string; args: ActionArg[]; pos: number }
  | { type: 'action'; name: string; args: ActionArg[] | null; nested: Statement[] | null; pos: number };

export interface Actions {
  /** `drop;` (no other statements). */
  drop: boolean;
  statements: Statement[];
}
