// Typed view of NXT_PACKET_IN2 / NXT_RESUME property lists (NXPINT_*). The message keeps the raw ordered
// properties (exact re-encoding); these helpers build and read them.

import { Reader, Writer } from '../bytes';
import { readOxmList, writeOxmList, Match } from '../match';
import type { Property } from '../properties';

export const nxpint = {
  packet: 0, fullLen: 1, bufferId: 2, tableId: 3, cookie: 4, reason: 5, metadata: 6, userdata: 7, continuation: 8,
} as const;

export interface PacketIn2Fields {
  readonly packet: Uint8Array;
  readonly fullLen?: number;
  readonly bufferId?: number;
  readonly tableId?: number;
  readonly cookie?: bigint;
  readonly reason?: number;
  readonly metadata?: Match;
  readonly userdata?: Uint8Array;
  readonly continuation?: Uint8Array;
}

/** Reads the typed fields; throws OfpDecodeError (via Reader) on malformed property values. */
export function readPacketIn2Fields(props: readonly Property[]): PacketIn2Fields {
  const out: { -readonly [K in keyof PacketIn2Fields]: PacketIn2Fields[K] } = { packet: new Uint8Array(0) };
  for (const p of props) {
    const r = new Reader(p.value, 0, p.value.length, `NXPINT ${p.type}`);
    const exact = (n: number) => { if (p.value.length !== n) r.fail(`property ${p.type} must be ${n} bytes, is ${p.value.length}`); };
    switch (p.type) {
      case nxpint.packet: out.packet = p.value; break;
      case nxpint.fullLen: exact(4); out.fullLen = r.u32(); break;
      case nxpint.bufferId: exact(4); out.bufferId = r.u32(); break;
      case nxpint.tableId: exact(1); out.tableId = r.u8(); break;
      // 64-bit property values are preceded by 4 zero bytes to align them (OVS ofpprop_put_be64).
      case nxpint.cookie: exact(12); r.zeros(4); out.cookie = r.u64(); break;
      case nxpint.reason: exact(1); out.reason = r.u8(); break;
      case nxpint.metadata: out.metadata = readOxmList(r); break;
      case nxpint.userdata: out.userdata = p.value; break;
      // Raw value: OVS's nested property list, preceded by 4 zero bytes that align it to 8 bytes.
      case nxpint.continuation: out.continuation = p.value; break;
      default: break; // unknown properties stay in the raw list
    }
  }
  return out;
}

/** Builds properties in the order OVS writes them. */
export function packetIn2Properties(f: PacketIn2Fields): Property[] {
  const props: Property[] = [{ type: nxpint.packet, value: f.packet }];
  const num = (type: number, write: (w: Writer) => void) => { const w = new Writer(8); write(w); props.push({ type, value: w.finish() }); };
  if (f.fullLen !== undefined) num(nxpint.fullLen, (w) => w.u32(f.fullLen!));
  if (f.bufferId !== undefined) num(nxpint.bufferId, (w) => w.u32(f.bufferId!));
  if (f.tableId !== undefined) num(nxpint.tableId, (w) => w.u8(f.tableId!));
  if (f.cookie !== undefined) num(nxpint.cookie, (w) => w.zeros(4).u64(f.cookie!));
  if (f.reason !== undefined) num(nxpint.reason, (w) => w.u8(f.reason!));
  if (f.metadata !== undefined) num(nxpint.metadata, (w) => writeOxmList(w, f.metadata!));
  if (f.userdata !== undefined) props.push({ type: nxpint.userdata, value: f.userdata });
  if (f.continuation !== undefined) props.push({ type: nxpint.continuation, value: f.continuation });
  return props;
}
