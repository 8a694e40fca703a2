// Generic decoder/encoder for the fixed-layout action rows in layout-table.ts.

import { Reader, Writer } from '../bytes';
import { LayoutKind, LayoutRow, layoutTable } from './layout-table';

type Value = number | bigint | string;

export function layoutBodyBytes(row: LayoutRow): number {
  let n = 0;
  for (const [, kind] of row.body) n += kindBytes(kind);
  return n;
}

function kindBytes(kind: LayoutKind): number {
  switch (kind) {
    case 'u8': return 1;
    case 'u16': return 2;
    case 'u32': return 4;
    case 'u64': return 8;
    default: return Number(kind.slice(4));
  }
}

/** Decodes the body of `row` from r (which must hold exactly the body) into a plain action object. */
export function decodeLayout(row: LayoutRow, r: Reader): Record<string, Value> {
  const out: Record<string, Value> = { type: row.type, ...(row.fixed ?? {}) };
  for (const [name, kind] of row.body) {
    switch (kind) {
      case 'u8': out[name] = r.u8(name); break;
      case 'u16': out[name] = r.u16(name); break;
      case 'u32': out[name] = r.u32(name); break;
      case 'u64': out[name] = r.u64(name); break;
      default: r.zeros(kindBytes(kind), `${row.type} padding`);
    }
  }
  if (!r.atEnd()) r.fail(`${r.remaining} trailing bytes in ${row.type}`);
  return out;
}

export function encodeLayout(row: LayoutRow, action: Readonly<Record<string, unknown>>, w: Writer): void {
  for (const [name, kind] of row.body) {
    const v = action[name];
    switch (kind) {
      case 'u8': w.u8(num(v, row, name)); break;
      case 'u16': w.u16(num(v, row, name)); break;
      case 'u32': w.u32(num(v, row, name)); break;
      case 'u64':
        if (typeof v !== 'bigint') throw new RangeError(`${row.type}.${name} must be a bigint`);
        w.u64(v);
        break;
      default: w.zeros(kindBytes(kind));
    }
  }
}

function num(v: unknown, row: LayoutRow, name: string): number {
  if (typeof v !== 'number') throw new RangeError(`${row.type}.${name} must be a number, got ${typeof v}`);
  return v;
}

const byWire = new Map<string, LayoutRow>();
const byType = new Map<string, LayoutRow[]>();
for (const row of layoutTable) {
  byWire.set(`${row.vendor}:${row.code}`, row);
  const list = byType.get(row.type) ?? [];
  list.push(row);
  byType.set(row.type, list);
}

export function layoutRowForWire(vendor: 'of' | 'nx', code: number): LayoutRow | undefined {
  return byWire.get(`${vendor}:${code}`);
}

/** The row whose fixed properties all match `action` (so resubmit variant 'table' picks NXAST_RESUBMIT_TABLE). */
export function layoutRowForAction(action: Readonly<Record<string, unknown>>): LayoutRow | undefined {
  const rows = byType.get(String(action.type));
  if (!rows) return undefined;
  return rows.find((row) => {
    if (!row.fixed) return true;
    return Object.entries(row.fixed).every(([k, v]) => k !== 'variant' || action[k] === v);
  });
}
