// "where" conditions (RFC 7047 §5.1 <condition>): parsing with upstream's type rules and messages, and
// evaluation against rows. Clauses are kept in upstream's evaluation order (cheapest first); a clause
// "_uuid == X" lets the engine look the row up directly instead of scanning the table.

import type { ColumnType, TableSchema } from '../schema/types';
import { typeToEnglish, uuidType } from '../schema/types';
import type { SymbolTable } from '../data/atom';
import { compareAtoms, indexOfAtom } from '../data/atom';
import { type Datum, datumEquals, datumFromJson } from '../data/datum';
import type { Json } from '../data/json';
import { syntaxError } from '../data/error';
import type { Row } from './row';

export const conditionFunctions = ['<', '<=', '==', '!=', '>=', '>', 'includes', 'excludes'] as const;
export type ConditionFunction = (typeof conditionFunctions)[number];

export interface Clause {
  readonly fn: ConditionFunction | 'true' | 'false';
  /** Column index in the row, or '_uuid' / '_version'. */
  readonly column: number | '_uuid' | '_version';
  readonly type: ColumnType;
  readonly arg: Datum;
}

export interface Condition {
  readonly clauses: readonly Clause[];
  /** Set when a clause is "_uuid == <uuid>": the only row that can match. */
  readonly uuidEquals: string | null;
}

function isOptionalScalar(t: ColumnType): boolean {
  return t.value === null && t.min === 0 && t.max === 1;
}
function isScalarType(t: ColumnType): boolean {
  return t.value === null && t.min === 1 && t.max === 1;
}

// Upstream's enum ovsdb_function order, used to sort clauses: true/false first, then cheap ones.
const fnRank: Record<Clause['fn'], number> = {
  true: 0, false: 1, '==': 2, includes: 3, '<=': 4, '<': 5, '>=': 6, '>': 7, excludes: 8, '!=': 9,
};

export function parseCondition(table: TableSchema, json: readonly Json[], symtab: SymbolTable | null): Condition {
  const clauses = json.map((c) => parseClause(table, c, symtab));
  clauses.sort((a, b) => fnRank[a.fn] - fnRank[b.fn]);
  const byUuid = clauses.find((c) => c.fn === '==' && c.column === '_uuid');
  return { clauses, uuidEquals: byUuid ? (byUuid.arg.keys[0] as string) : null };
}

function parseClause(table: TableSchema, json: Json, symtab: SymbolTable | null): Clause {
  if (json === true || json === false) {
    return { fn: json ? 'true' : 'false', column: '_uuid', type: uuidType, arg: { keys: [], values: null } };
  }
  if (!(Array.isArray(json) && json.length === 3 && typeof json[0] === 'string' && typeof json[1] === 'string')) {
    throw syntaxError(json, null, 'Parse error in condition.');
  }
  const [columnName, fnName, argJson] = json as [string, string, Json];
  let column: Clause['column'];
  let type: ColumnType;
  if (columnName === '_uuid' || columnName === '_version') {
    column = columnName;
    type = uuidType;
  } else {
    const c = table.columnsByName.get(columnName);
    if (!c) throw syntaxError(json, 'unknown column', `No column ${columnName} in table ${table.name}.`);
    column = c.index;
    type = c.type;
  }
  if (!(conditionFunctions as readonly string[]).includes(fnName)) {
    throw syntaxError(undefined, 'unknown function', `No function named ${fnName}.`);
  }
  const fn = fnName as ConditionFunction;
  let argType: ColumnType = type;
  switch (fn) {
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (!(isScalarType(type) || isOptionalScalar(type)) || (type.key.type !== 'integer' && type.key.type !== 'real')) {
        throw syntaxError(json, null,
          `Type mismatch: "${fn}" operator may not be applied to column ${columnName} of type ${typeToEnglish(type)}.`);
      }
      argType = { ...type, min: 1 };
      break;
    case 'excludes':
      if (!isScalarType(type)) argType = { ...type, min: 0, max: Infinity };
      break;
    case 'includes':
      if (!isScalarType(type)) argType = { ...type, min: 0 };
      break;
    default:
      break;
  }
  return { fn, column, type, arg: datumFromJson(argJson, argType, symtab) };
}

function fieldOf(row: Row, column: Clause['column']): Datum {
  if (column === '_uuid') return { keys: [row.uuid], values: null };
  if (column === '_version') return { keys: [row.version], values: null };
  return row.values[column]!;
}

export function evaluateClause(row: Row, c: Clause): boolean {
  if (c.fn === 'true') return true;
  if (c.fn === 'false') return false;
  const field = fieldOf(row, c.column);
  const type = c.type;
  const scalarish = isScalarType(type) || isOptionalScalar(type);
  if (isOptionalScalar(type) && field.keys.length === 0 && (c.fn === '<' || c.fn === '<=' || c.fn === '>' || c.fn === '>=')) {
    return false;
  }
  if (scalarish && field.keys.length === 1 && c.arg.keys.length === 1) {
    const cmp = compareAtoms(field.keys[0]!, c.arg.keys[0]!, type.key.type);
    switch (c.fn) {
      case '<': return cmp < 0;
      case '<=': return cmp <= 0;
      case '==':
      case 'includes': return cmp === 0;
      case '!=':
      case 'excludes': return cmp !== 0;
      case '>=': return cmp >= 0;
      case '>': return cmp > 0;
    }
  }
  switch (c.fn) {
    case '==': return datumEquals(field, c.arg, type);
    case '!=': return !datumEquals(field, c.arg, type);
    case 'includes': return includesAll(c.arg, field, type);
    case 'excludes': return excludesAll(c.arg, field, type);
    default: return false; // unreachable: ordering functions only apply to (optional) scalars
  }
}

export function evaluateCondition(row: Row, cond: Condition): boolean {
  for (const c of cond.clauses) if (!evaluateClause(row, c)) return false;
  return true;
}

/** Is every element of `a` in `b`? (For maps, key and value must both match.) */
function includesAll(a: Datum, b: Datum, type: ColumnType): boolean {
  for (let i = 0; i < a.keys.length; i++) if (!hasElement(b, a, i, type)) return false;
  return true;
}

/** Is no element of `a` in `b`? */
function excludesAll(a: Datum, b: Datum, type: ColumnType): boolean {
  for (let i = 0; i < a.keys.length; i++) if (hasElement(b, a, i, type)) return false;
  return true;
}

function hasElement(haystack: Datum, from: Datum, i: number, type: ColumnType): boolean {
  const j = indexOfAtom(haystack.keys, from.keys[i]!, type.key.type);
  if (j < 0) return false;
  return type.value === null || compareAtoms(haystack.values![j]!, from.values![i]!, type.value.type) === 0;
}
