// Packet-ins as NXT_PACKET_IN2 messages and NXT_RESUME back into the bridge.
//
// The metadata property carries the pipeline fields a controller needs (in_port, metadata, registers, tunnel
// and conntrack fields, pkt_mark) whenever they are nonzero, as OVS sends them. The continuation property is
// opaque to controllers; ours is a 4-byte zero pad (as in OVS) then a 64-bit token naming a continuation the
// channel keeps (bounded: the oldest is forgotten first), so a resume works over the wire.
import {
  fieldByName, nxpint, packetIn2Properties, preferredCode, readPacketIn2Fields,
  type FieldDef, type NxPacketIn2, type NxResume, type OxmEntry,
} from '../../core/openflow';
import { fieldParts, getField, setField, bytesToBig, type Slots } from './fields';
import type { Continuation, PacketInEvent } from './xlate';

export const maxPendingContinuationsCount = 4096;
/** OFPR_* reasons. */
export const packetInReasons = { no_match: 0, action: 1, invalid_ttl: 2 } as const;

const metadataFieldNames = [
  'in_port_oxm', 'metadata', ...Array.from({ length: 16 }, (_, i) => `reg${i}`), 'tun_id', 'tun_src', 'tun_dst', 'tun_metadata0',
  'pkt_mark', 'ct_state', 'ct_zone', 'ct_mark', 'ct_label', 'ct_nw_src', 'ct_nw_dst', 'ct_nw_proto', 'ct_tp_src', 'ct_tp_dst',
];
const metadataFields: readonly FieldDef[] = metadataFieldNames.map((n) => {
  const f = fieldByName(n);
  if (!f) throw new RangeError(`packet-in2: unknown field ${n}`);
  return f;
});

function toBytes(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

function metadataOf(s: Slots): OxmEntry[] {
  const out: OxmEntry[] = [];
  for (const f of metadataFields) {
    const v = getField(s, fieldParts(f));
    if (v === undefined || v === 0n) continue;
    const bytes = f.name === 'tun_metadata0' ? 4 : Math.ceil(f.bits / 8);
    out.push({ field: f, code: preferredCode(f, 6)!, value: toBytes(v, bytes) });
  }
  return out;
}

export class PacketIn2Codec {
  private readonly pending = new Map<bigint, Continuation>();
  private nextToken = 1n;

  /** The NXT_PACKET_IN2 message for a packet-in event. */
  encode(ev: PacketInEvent, xid = 0): NxPacketIn2 {
    let continuation: Uint8Array | undefined;
    if (ev.continuation) {
      if (this.pending.size >= maxPendingContinuationsCount) this.pending.delete(this.pending.keys().next().value!);
      const token = this.nextToken++;
      this.pending.set(token, ev.continuation);
      continuation = new Uint8Array([0, 0, 0, 0, ...toBytes(token, 8)]);
    }
    return {
      type: 'nx_packet_in2', xid,
      properties: packetIn2Properties({
        packet: ev.frame, fullLen: ev.frame.length, tableId: ev.tableId, cookie: ev.cookie,
        reason: packetInReasons[ev.reason], metadata: metadataOf(ev.state),
        ...(ev.userdata ? { userdata: ev.userdata } : {}), ...(continuation ? { continuation } : {}),
      }),
    };
  }

  /** The continuation an NXT_RESUME names, with the packet and metadata the controller sent back applied;
   * or why it cannot be resumed. */
  decodeResume(m: NxResume): { continuation: Continuation } | { error: string } {
    let f;
    try {
      f = readPacketIn2Fields(m.properties);
    } catch (e) {
      return { error: `NXT_RESUME: ${(e as Error).message}` };
    }
    if (!f.continuation || f.continuation.length !== 12) return { error: 'NXT_RESUME without a continuation of ours' };
    const token = bytesToBig(f.continuation.subarray(4));
    const c = this.pending.get(token);
    if (!c) return { error: `NXT_RESUME: continuation ${token} is unknown or expired` };
    this.pending.delete(token);
    const state = c.state.slice();
    for (const e of f.metadata ?? []) {
      try {
        setField(state, fieldParts(e.field), bytesToBig(e.value), (1n << BigInt(e.value.length * 8)) - 1n);
      } catch (err) {
        return { error: `NXT_RESUME metadata ${e.field.name}: ${(err as Error).message}` };
      }
    }
    return { continuation: { ...c, state, ...(f.packet.length > 0 ? { frame: f.packet } : {}) } };
  }
}

export { nxpint };
