// The classic pcap file format (libpcap, magic 0xa1b2c3d4), Ethernet link type: encode a list of frames
// into file bytes and decode them back. Pure bytes in and out; writing the file is the caller's job.
import { attempt, Cursor, Writer, type Parsed } from './bytes';
import { assert } from '../util/assert';

const magicMicros = 0xa1b2c3d4;
const magicNanos = 0xa1b23c4d;
export const linkTypeEthernet = 1;
/** Snap length written in the header; frames longer than this are rejected on encode. */
export const pcapSnapLengthBytes = 262144;
/** Bound on records decoded from one file. */
export const maxPcapRecordsCount = 1_000_000;

export interface PcapRecord {
  /** Capture time in microseconds (virtual time in the simulator). */
  readonly timeMicros: number;
  readonly frame: Uint8Array;
  /** Original length on the wire (≥ frame.length when the capture was truncated). */
  readonly originalLength?: number;
}

export function encodePcap(records: readonly PcapRecord[]): Uint8Array {
  const w = new Writer();
  // Little-endian header, as written by most tools on x86: write the fields byte-swapped.
  const le32 = (v: number): void => void w.u8(v).u8(v >>> 8).u8(v >>> 16).u8(v >>> 24);
  const le16 = (v: number): void => void w.u8(v).u8(v >>> 8);
  le32(magicMicros);
  le16(2);
  le16(4);
  le32(0);
  le32(0);
  le32(pcapSnapLengthBytes);
  le32(linkTypeEthernet);
  for (const r of records) {
    assert(r.frame.length <= pcapSnapLengthBytes, () => `frame of ${r.frame.length} bytes exceeds snap length`);
    le32(Math.floor(r.timeMicros / 1e6));
    le32(r.timeMicros % 1e6);
    le32(r.frame.length);
    le32(r.originalLength ?? r.frame.length);
    w.bytes(r.frame);
  }
  return w.finish();
}

export interface PcapFile {
  readonly linkType: number;
  readonly records: readonly PcapRecord[];
}

export function decodePcap(bytes: Uint8Array): Parsed<PcapFile> {
  return attempt(() => {
    const c = new Cursor(bytes, 'pcap');
    const magicBytes = c.take(4, 'pcap magic');
    const be = ((magicBytes[0]! << 24) | (magicBytes[1]! << 16) | (magicBytes[2]! << 8) | magicBytes[3]!) >>> 0;
    const le = ((magicBytes[3]! << 24) | (magicBytes[2]! << 16) | (magicBytes[1]! << 8) | magicBytes[0]!) >>> 0;
    const little = le === magicMicros || le === magicNanos;
    const magic = little ? le : be;
    if (magic !== magicMicros && magic !== magicNanos) c.error(`not a pcap file (magic 0x${be.toString(16)})`, 0);
    const u32 = (what: string): number => {
      const v = c.u32(what);
      return little ? (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0 : v;
    };
    c.skip(4 + 4 + 4 + 4, 'pcap header'); // version, thiszone, sigfigs, snaplen
    const linkType = u32('link type');
    const records: PcapRecord[] = [];
    while (c.remaining > 0) {
      if (records.length >= maxPcapRecordsCount) c.error(`more than ${maxPcapRecordsCount} records`);
      const sec = u32('record seconds');
      const frac = u32('record fraction');
      const inclLength = u32('record length');
      const originalLength = u32('record original length');
      const frame = c.take(inclLength, 'record data');
      const timeMicros = sec * 1e6 + (magic === magicNanos ? Math.floor(frac / 1000) : frac);
      records.push({ timeMicros, frame, originalLength });
    }
    return { linkType, records };
  });
}
