// Actions that hand the packet to ovn-controller's pinctrl thread (a controller() action with an opcode)
// and the few that allocate meters: arp/nd_na/nd_ns/icmp*/tcp_reset/sctp_abort/reject { nested } carry
// their nested actions as OpenFlow 1.5 bytes; log, bind_vport, dns_lookup, trigger_event carry small
// opcode-specific payloads (lib/actions.c encode_nested_actions, encode_LOG, encode_BIND_VPORT ...).
import { Writer } from '../../openflow';
import type { StatementEncoder } from './actions';
import { actionOpcodes, actionBytes, be32, concatBytes, controllerOp, resultFieldBytes } from './controller-op';
import { fieldArg, intArg, keyed, ref, stringArg } from './encoder';
import { LflowError } from '../errors';
import { ofFieldRef, pop, push } from './of-ref';

function nested(opcode: number): StatementEncoder {
  return (st, s, out) => {
    const inner = st.encode(s.type === 'action' ? s.nested ?? [] : []);
    out.push(controllerOp(opcode, actionBytes(inner), { meterId: st.ctx.ctrlMeterId }));
  };
}

function plain(opcode: number): StatementEncoder {
  return (st, _s, out) => {
    out.push(controllerOp(opcode, new Uint8Array(0), { meterId: st.ctx.ctrlMeterId }));
  };
}

/** enum log_verdict and syslog severities (include/ovn/actions.h, lib/actions.c log_severity_from_string). */
const logVerdicts: Readonly<Record<string, number>> = { allow: 0, drop: 1, reject: 2 };
const logSeverities: Readonly<Record<string, number>> = { alert: 1, warning: 4, notice: 5, info: 6, debug: 7 };

const log: StatementEncoder = (st, s, out) => {
  const word = (k: string): string | null => {
    const t = keyed(s.args, k)?.terms[0];
    return t?.kind === 'name' ? t.ref.name : null;
  };
  const str = (k: string): string | null => {
    const t = keyed(s.args, k)?.terms[0];
    return t?.kind === 'const' && t.c.kind === 'string' ? t.c.value : null;
  };
  const verdict = logVerdicts[word('verdict') ?? ''];
  if (verdict === undefined) throw new LflowError(s.pos, 'log: expecting verdict.');
  const severity = logSeverities[word('severity') ?? 'info'] ?? 6;
  const name = str('name');
  const meter = str('meter');
  const body = concatBytes(new Uint8Array([verdict, severity]), new TextEncoder().encode(name ?? ''));
  const meterId = meter !== null ? st.ctx.meterId(meter) : undefined;
  out.push(controllerOp(actionOpcodes.log, body, meterId !== undefined ? { meterId } : {}));
};

/** bind_vport("vport", parent): the vport's key as payload, the parent port moved into inport. */
const bindVport: StatementEncoder = (st, s, out) => {
  const key = st.ctx.lookupPort(stringArg(s.args, 0, s.name, s.pos));
  if (key === undefined) return; // upstream emits nothing for a vport unknown here
  const parent = fieldArg(st, s.name, s.args, 1, s.pos);
  const inport = ofFieldRef('MFF_REG14');
  const moved = parent.name !== inport.name;
  if (moved) out.push(push(inport), push(parent), pop(inport));
  out.push(controllerOp(actionOpcodes.bindVport, be32(key), { meterId: st.ctx.ctrlMeterId }));
  if (moved) out.push(pop(inport));
};

/** dst = dns_lookup(): pinctrl writes the result bit; the payload names the field (header + offset). */
const dnsLookup: StatementEncoder = (st, s, out) => {
  if (s.type !== 'result') throw new LflowError(s.pos, 'dns_lookup must be assigned to a field.');
  out.push(controllerOp(actionOpcodes.dnsLookup, resultFieldBytes(ref(st, s.lhs)), { pause: true, meterId: st.ctx.ctrlMeterId }));
};

/** trigger_event(event = "empty_lb_backends", vip = ..., protocol = ..., load_balancer = ...). */
const emptyLbOptionCodes: Readonly<Record<string, number>> = { vip: 1, protocol: 2, load_balancer: 3 };
const triggerEvent: StatementEncoder = (st, s, out) => {
  const args = s.args ?? [];
  const ev = args.find((a) => a.key === 'event');
  const evName = ev?.terms[0]?.kind === 'const' && ev.terms[0].c.kind === 'string' ? ev.terms[0].c.value : null;
  if (evName !== 'empty_lb_backends') throw new LflowError(ev?.pos ?? s.pos, `trigger_event: unknown event ${evName ?? ''}.`);
  const w = new Writer();
  w.u32(0); // OVN_EVENT_EMPTY_LB_BACKENDS
  for (const a of args) {
    if (a.key === 'event' || a.key === 'meter') continue;
    const code = a.key !== null ? emptyLbOptionCodes[a.key] : undefined;
    const t = a.terms[0];
    if (code === undefined || t?.kind !== 'const' || t.c.kind !== 'string') throw new LflowError(a.pos, `trigger_event: bad option ${a.key ?? ''}.`);
    const bytes = new TextEncoder().encode(t.c.value);
    w.u16(code).u16(bytes.length).bytes(bytes);
  }
  out.push(controllerOp(actionOpcodes.event, w.finish(), { meterId: st.ctx.ctrlMeterId }));
};

/** set_meter(rate[, burst]): a meter per logical flow, named as upstream names it. */
const setMeter: StatementEncoder = (st, s, out) => {
  const rate = intArg(s.args, 0, s.name, s.pos);
  const burst = (s.args?.length ?? 0) > 1 ? intArg(s.args, 1, s.name, s.pos) : 0;
  const uuid = st.lflowUuid;
  const name = burst
    ? `__string: uuid ${uuid} kbps burst stats bands=type=drop rate=${rate} burst_size=${burst}`
    : `__string: uuid ${uuid} kbps stats bands=type=drop rate=${rate}`;
  out.push({ type: 'meter', meterId: st.ctx.meterId(name) });
};

export const pinctrlEncoders: ReadonlyArray<[string, StatementEncoder]> = [
  ['arp', nested(actionOpcodes.arp)],
  ['nd_na', nested(actionOpcodes.ndNa)],
  ['nd_na_router', nested(actionOpcodes.ndNaRouter)],
  ['nd_ns', nested(actionOpcodes.ndNs)],
  ['icmp4', nested(actionOpcodes.icmp)],
  ['icmp6', nested(actionOpcodes.icmp)],
  ['icmp4_error', nested(actionOpcodes.icmp4Error)],
  ['icmp6_error', nested(actionOpcodes.icmp6Error)],
  ['tcp_reset', nested(actionOpcodes.tcpReset)],
  ['sctp_abort', nested(actionOpcodes.sctpAbort)],
  ['reject', nested(actionOpcodes.reject)],
  ['igmp', plain(actionOpcodes.igmp)],
  ['handle_dhcpv6_reply', plain(actionOpcodes.dhcp6Server)],
  ['handle_bfd_msg', plain(actionOpcodes.bfdMsg)],
  ['log', log],
  ['bind_vport', bindVport],
  ['dns_lookup', dnsLookup],
  ['trigger_event', triggerEvent],
  ['set_meter', setMeter],
];
