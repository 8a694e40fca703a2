// OpenFlow property lists (ofp_prop_header): u16 type, u16 length (excluding padding), value, then zero
// padding to a multiple of 8. Used by ports, bucket properties, bundles, NXT_PACKET_IN2, NXT_RESUME.

import { Reader, Writer } from './bytes';

export interface Property { readonly type: number; readonly value: Uint8Array }

export const maxPropertiesPerList = 256;

/** Reads properties until the reader is exhausted.. */
export function readProperties(r: Reader, what: string): Property[] {
  const out: Property[] = [];
  while (!r.atEnd()) {
    if (out.length >= maxPropertiesPerList) r.fail(`more than ${maxPropertiesPerList} ${what} properties`);
    const start = r.offset;
    const type = r.u16(`${what} property type`);
    const len = r.u16(`${what} property length`);
    if (len < 4) r.fail(`${what} property length ${len} < 4`, start);
    const value = r.take(len - 4, `${what} property ${type}`);
    const pad = (8 - (len % 8)) % 8;
    r.zeros(pad, `${what} property padding`);
    out.push({ type, value });
  }
  return out;
}

export function writeProperties(w: Writer, props: readonly Property[]): void {
  for (const p of props) {
    const start = w.length;
    w.u16(p.type).u16(4 + p.value.length).bytes(p.value);
    w.padTo(8, start);
  }
}

export function findProperty(props: readonly Property[], type: number): Uint8Array | undefined {
  return props.find((p) => p.type === type)?.value;
}
