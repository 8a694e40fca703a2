// struct ofp_match (OXM type): u16 type = OFPMT_OXM (1), u16 length (header + OXMs, excluding padding),
// the OXM entries, then zero padding to a multiple of 8 bytes. Entry order is kept as decoded so a decoded
// match re-encodes to identical bytes.

import { Reader, Writer } from './bytes';
import { OxmEntry, readOxmEntry, writeOxmEntry } from './oxm';

export type Match = readonly OxmEntry[];

export const ofpmtOxm = 1;
export const maxOxmEntriesPerMatch = 256;

export function readMatch(r: Reader): Match {
  const start = r.offset;
  const type = r.u16('ofp_match.type');
  if (type !== ofpmtOxm) r.fail(`ofp_match type ${type} is not OFPMT_OXM`, start);
  const length = r.u16('ofp_match.length');
  if (length < 4) r.fail(`ofp_match length ${length} < 4`, start);
  const body = r.sub(length - 4, r.what);
  const out: OxmEntry[] = [];
  while (!body.atEnd()) {
    if (out.length >= maxOxmEntriesPerMatch) body.fail(`more than ${maxOxmEntriesPerMatch} OXM entries`);
    out.push(readOxmEntry(body));
  }
  const pad = (8 - (length % 8)) % 8;
  r.zeros(pad, 'ofp_match padding');
  return out;
}

export function writeMatch(w: Writer, m: Match): void {
  const start = w.length;
  w.u16(ofpmtOxm).u16(0);
  writeOxmList(w, m);
  w.setU16(start + 2, w.length - start);
  w.padTo(8, start);
}

export function writeOxmList(w: Writer, m: Match): void {
  for (const e of m) writeOxmEntry(w, e);
}

/** A bare OXM list filling the reader (NXM-style matches inside Nicira messages). */
export function readOxmList(r: Reader): Match {
  const out: OxmEntry[] = [];
  while (!r.atEnd()) {
    if (out.length >= maxOxmEntriesPerMatch) r.fail(`more than ${maxOxmEntriesPerMatch} OXM entries`);
    out.push(readOxmEntry(r));
  }
  return out;
}
