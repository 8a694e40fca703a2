// The OVN logical flow language (ovn-sb(5) Logical_Flow match and actions), as one pure module.
//
// Matches:  text --parseMatch--> SyntaxExpr --checkMatch--> Expr --annotate--> Expr on root fields
//           --normalize--> DNF of value/mask literals (ready for OpenFlow compilation, a later stage).
//           checkMatchText() runs parse + check + annotate and rejects contradictory prerequisites.
//           evaluate() gives the reference meaning of any Expr on a packet; printSyntax/printExpr print
//           canonical text that parses back to the same tree.
// Actions:  text --parseActions--> Actions --checkActions--> prerequisites; printActions prints it back.
// Symbols:  symbol-table.ts is the one table of logical fields (upstream ovn_init_symtab), of-fields.ts the
//           OpenFlow fields they live in; symtab.ts interprets them (ovnSymtab()).
// Every malformed input yields an LflowError with a character position; nothing else is thrown for bad input.
export { LflowError, LflowTooComplexError, type Result } from './errors';
export { tokenize, type Token, type IntFormat } from './lexer';
export type { SyntaxExpr, Constant, ConstantSet, FieldRef, Relop } from './syntax';
export { parseMatch, parseMatchOrThrow, maxParenDepthCount } from './parse-match';
export { printSyntax } from './print-syntax';
export type { Expr, CmpExpr, StrcmpExpr } from './expr';
export { checkMatch, resolveField, type CheckContext, type TypedField } from './check-match';
export { checkMatchText, type CheckedMatch } from './match';
export { annotate } from './annotate';
export { pushNegation } from './negate';
export { normalize, maxDnfConjunctionsCount } from './normalize';
export { evaluate, symbolValue, buildPacket, type Packet, type EvalContext } from './evaluate';
export { printExpr } from './print-expr';
export { noNames, mapLookup, type NameLookup } from './lookup';
export { ovnSymtab, Symtab, type LogicalSymbol, type Placement, type Level, type WriteScope } from './symtab';
export { ovnSymbols, type SymbolSpec } from './symbol-table';
export { ofFields, logicalStateFields, type OfField } from './of-fields';
export type { Actions, Statement, ActionArg, ArgTerm } from './action-syntax';
export { statementActions, resultFunctions } from './action-table';
export { parseActions, parseActionsOrThrow } from './parse-actions';
export { checkActions, type CheckedActions } from './check-actions';
export { printActions } from './print-actions';
