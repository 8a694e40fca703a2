// One object per distinct OXM entry (field, code, value, mask). A chassis' flows hold ~125k match entries
// with only a few thousand distinct contents (eth_type=0x800, metadata=<datapath>, reg15=<port> ...);
// sharing them is most of the memory a flow costs, since each entry carries its own Uint8Array. Entries are
// immutable, so any number of matches may hold the same one.
import type { OxmEntry } from './oxm';

/** Bound on the distinct entries an interner keeps; past it, entries are handed back as given. */
export const oxmInternEntriesMax = 1_000_000;

export class OxmInterner {
  private readonly byContent = new Map<string, OxmEntry>();

  /** The kept entry with e's content, or e itself (kept from now on while there is room). */
  intern(e: OxmEntry): OxmEntry {
    // Bytes as one character each: a cheaper key than hex (this runs for every entry of every emitted flow).
    // The lengths make the key unambiguous whatever characters the bytes become.
    const key = `${e.code.name}|${e.value.length}|${e.mask ? e.mask.length : -1}|${bytesText(e.value)}${e.mask ? bytesText(e.mask) : ''}`;
    const known = this.byContent.get(key);
    if (known) return known;
    if (this.byContent.size < oxmInternEntriesMax) this.byContent.set(key, e);
    return e;
  }

  get size(): number {
    return this.byContent.size;
  }
}

function bytesText(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}
