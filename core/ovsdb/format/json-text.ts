// JSON text exactly as upstream's json_to_string(json, flags) prints it for humans (lib/json.c):
// - `sort` (JSSF_SORT): object members in bytewise (strcmp) order of their names; otherwise insertion order.
// - `pretty` (JSSF_PRETTY): after "{" and before each member after the first, a newline and two spaces per
//   nesting level; likewise before each array element when the array is non-empty; "}" and "]" follow the
//   last value directly; ": " between a name and its value. An empty object still gets its newline.
// Numbers and strings are printed as on the wire (core/json/format).

import type { JsonValue } from '../../json/value';
import { formatNumber, formatString } from '../../json/format';
import { compareUtf8 } from '../data/atom';

export interface JsonTextOptions {
  readonly sort?: boolean;
  readonly pretty?: boolean;
}

const spacesPerLevel = 2;

export function jsonToText(value: JsonValue, options: JsonTextOptions = {}): string {
  const parts: string[] = [];
  write(value, 0, options.sort ?? false, options.pretty ?? false, parts);
  return parts.join('');
}

function write(value: JsonValue, depth: number, sort: boolean, pretty: boolean, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      out.push(formatNumber(value));
      return;
    case 'string':
      out.push(formatString(value));
      return;
    default:
      break;
  }
  const indent = (level: number): void => {
    if (pretty) out.push('\n' + ' '.repeat(spacesPerLevel * level));
  };
  if (Array.isArray(value)) {
    out.push('[');
    if (value.length > 0) {
      indent(depth + 1);
      value.forEach((element: JsonValue, i: number) => {
        if (i > 0) {
          out.push(',');
          indent(depth + 1);
        }
        write(element, depth + 1, sort, pretty, out);
      });
    }
    out.push(']');
    return;
  }
  const object = value as { readonly [key: string]: JsonValue };
  const names = Object.keys(object);
  if (sort) names.sort(compareUtf8);
  out.push('{');
  indent(depth + 1);
  names.forEach((name, i) => {
    if (i > 0) {
      out.push(',');
      indent(depth + 1);
    }
    out.push(formatString(name), pretty ? ': ' : ':');
    write(object[name]!, depth + 1, sort, pretty, out);
  });
  out.push('}');
}
