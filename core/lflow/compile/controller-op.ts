// ovn-controller's "controller" actions: NXAST_CONTROLLER2 whose userdata starts with upstream's struct
// action_header (be32 opcode + 4 pad bytes), followed by opcode-specific bytes (often more OpenFlow
// actions, encoded as OpenFlow 1.5), which pinctrl interprets (lib/actions.c encode_*_controller_op).
import { fieldByName, fieldBytes, preferredCode, Writer, writeActions, writeOxmHeader, type Action, type Controller2Action } from '../../openflow';
import type { OfRef } from './of-ref';

/** OpenFlow 1.5's wire version number, which picks a field's header. */
const ofp15Version = 6;

/** enum action_opcode (include/ovn/actions.h, 23.03), in order. */
export const actionOpcodes = {
  arp: 0, putArp: 1, putDhcpOpts: 2, ndNa: 3, putNd: 4, putDhcpv6Opts: 5, dnsLookup: 6, log: 7,
  putNdRaOpts: 8, ndNs: 9, icmp: 10, tcpReset: 11, ndNaRouter: 12, putIcmp4FragMtu: 13, icmp4Error: 14,
  event: 15, igmp: 16, bindVport: 17, handleSvcCheck: 18, dhcp6Server: 19, icmp6Error: 20,
  putIcmp6FragMtu: 21, reject: 22, bfdMsg: 23, sctpAbort: 24, putFdb: 25,
} as const;

/** Upstream encode_start_controller_op sets max_len to UINT16_MAX and reason OFPR_ACTION (OVS then omits both). */
export function controllerOp(opcode: number, body: Uint8Array, opts: { pause?: boolean; meterId?: number } = {}): Controller2Action {
  const w = new Writer();
  w.u32(opcode);
  w.u32(0);
  w.bytes(body);
  const userdata = w.finish();
  const pause = opts.pause === true;
  const order: Controller2Action['order'][number][] = ['userdata'];
  if (pause) order.push('pause');
  if (opts.meterId !== undefined) order.push('meter_id');
  return { type: 'controller2', userdata, pause, ...(opts.meterId !== undefined ? { meterId: opts.meterId } : {}), order };
}

/** OpenFlow 1.5 wire bytes of nested actions (upstream ofpacts_put_openflow_actions(..., OFP15_VERSION)). */
export function actionBytes(actions: readonly Action[]): Uint8Array {
  const w = new Writer();
  writeActions(w, actions);
  return w.finish();
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function be16(v: number): Uint8Array {
  return new Uint8Array([(v >>> 8) & 0xff, v & 0xff]);
}

export function be32(v: number): Uint8Array {
  return new Uint8Array([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
}

/**
 * Where pinctrl writes an action's 1-bit result: the field's header as OpenFlow 1.5 names it (upstream
 * nx_put_header(..., OFP15_VERSION)) and the bit offset, 8 bytes that start the userdata's payload.
 */
export function resultFieldBytes(dst: OfRef): Uint8Array {
  const field = fieldByName(dst.name);
  const code = field ? preferredCode(field, ofp15Version) : undefined;
  if (!field || !code) throw new RangeError(`no OpenFlow header for field ${dst.name}`);
  const w = new Writer();
  writeOxmHeader(w, code, false, fieldBytes(field));
  w.u32(dst.ofs);
  return w.finish();
}
