// Connection-tracking actions (lib/actions.c encode_CT_NEXT, encode_CT_COMMIT_V1/V2, encode_ct_nat,
// encode_ct_lb, encode_SELECT, encode_CT_CLEAR). Zones come from registers: the logical port's zone
// (reg13) on switches, the router's DNAT zone (reg11) on routers, SNAT zone reg12 for ct_snat.
// Load balancer backends and select() become OpenFlow select groups, identified by their ovs-ofctl
// text, as upstream ovn_extend_table_assign_id does.
import { subfield, type Action, type CtAction, type NatAction } from '../../openflow';
import type { ArgTerm } from '../action-syntax';
import { formatIpv4, formatIpv6 } from '../addresses';
import { LflowError } from '../errors';
import type { Pipeline } from './context';
import { firstTable, ref, termPos, type EncodeState } from './encoder';
import type { StatementEncoder } from './actions';

const ctCommitFlag = 1;
const natFlagSrc = 1;
const natFlagDst = 2;
const recircNone = 255;
/** OVN_CT_NATTED bit of ct_mark / ct_label, and the skip/force SNAT bits (logical-fields.h). */
const ctNatted = '0x2/0x2';
const ctFlagValue: Readonly<Record<string, string>> = { skip_snat: '0x4/0x4', force_snat: '0x8/0x8' };

type ZoneReg = 'reg11' | 'reg12' | 'reg13';

function zoneReg(st: EncodeState): ZoneReg {
  return st.ctx.isSwitch ? 'reg13' : 'reg11';
}

function ct(zone: ZoneReg, recircTable: number, flags: number, actions: Action[]): CtAction {
  return { type: 'ct', flags, zoneSrc: subfield(zone, 0, 16), zoneImm: 0, recircTable, alg: 0, actions };
}

function nextTable(st: EncodeState, pipeline: Pipeline = st.pipeline): number {
  return firstTable(pipeline) + st.table + 1;
}

function bytesOf(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** ct_dnat / ct_snat (and _in_czone), ct_commit_nat: ct(table=next, zone, [commit,] nat[(src|dst=ip[:ports])]). */
function ctNat(kind: 'src' | 'dst' | 'none', zone: (st: EncodeState) => ZoneReg, commitAlways = false): StatementEncoder {
  return (st, s, out) => {
    const args = s.args ?? [];
    let nat: NatAction = { type: 'nat', flags: 0, rangePresent: 0 };
    let commit = commitAlways;
    if (args.length > 0) {
      const t = args[0]!.terms[0];
      if (!t || t.kind !== 'const' || t.c.kind !== 'int' || (t.c.format !== 'ipv4' && t.c.format !== 'ipv6')) {
        throw new LflowError(args[0]!.pos, `${s.name}: expecting IPv4 or IPv6 address.`);
      }
      commit = true;
      const v4 = t.c.format === 'ipv4';
      let present = v4 ? 1 : 4;
      let protoMin: number | undefined;
      let protoMax: number | undefined;
      const range = args[1]?.terms ?? [];
      if (range.length > 0) {
        const lo = range[0];
        if (!lo || lo.kind !== 'const' || lo.c.kind !== 'int') throw new LflowError(args[1]!.pos, `${s.name}: expecting port range.`);
        protoMin = Number(lo.c.value);
        present |= 0x10;
        const hi = range[2];
        if (hi && hi.kind === 'const' && hi.c.kind === 'int') {
          protoMax = Number(hi.c.value);
          present |= 0x20;
        }
      }
      nat = {
        type: 'nat', flags: kind === 'src' ? natFlagSrc : kind === 'dst' ? natFlagDst : 0, rangePresent: present,
        ...(v4 ? { ipv4Min: bytesOf(t.c.value, 4) } : { ipv6Min: bytesOf(t.c.value, 16) }),
        ...(protoMin !== undefined ? { protoMin } : {}),
        ...(protoMax !== undefined ? { protoMax } : {}),
      };
    }
    out.push(ct(zone(st), nextTable(st), commit ? ctCommitFlag : 0, [nat]));
  };
}

function commonZone(st: EncodeState): ZoneReg {
  return st.ctx.commonNatCtZone === 'MFF_REG12' ? 'reg12' : st.ctx.commonNatCtZone === 'MFF_REG13' ? 'reg13' : 'reg11';
}

/** ct_commit { ... } (V2) and ct_commit(ct_mark=..., ct_label=...) (V1). */
const ctCommit: StatementEncoder = (st, s, out) => {
  if (s.type !== 'action') return;
  // OVS 3.1 supports all-zero SNAT at commit (OVS_CT_ZERO_SNAT_SUPPORT), so upstream adds nat(src).
  const zeroSnat: Action = { type: 'nat', flags: natFlagSrc, rangePresent: 0 };
  if (s.args !== null) {
    const sets: Action[] = [];
    for (const a of s.args) {
      if ((a.key !== 'ct_mark' && a.key !== 'ct_label') || a.terms[0]?.kind !== 'const' || a.terms[0].c.kind !== 'int') {
        throw new LflowError(a.pos, 'ct_commit: expecting ct_mark=value[/mask] or ct_label=value[/mask].');
      }
      const c = a.terms[0].c;
      const r = ref(st, { name: a.key, bits: null, pos: a.pos });
      sets.push({ type: 'set_field', entry: { ...loadFull(r.name, c.value, c.mask ?? (1n << BigInt(r.bits)) - 1n) } });
    }
    out.push(ct('reg13', recircNone, ctCommitFlag, [zeroSnat, ...sets]));
    return;
  }
  out.push(ct(zoneReg(st), recircNone, ctCommitFlag, [zeroSnat, ...st.encode(s.nested ?? [])]));
};

import { matchEntry } from '../../openflow';
function loadFull(name: string, v: bigint, m: bigint) {
  return matchEntry(name, v & m, m);
}

/** A backend written as ip, ip:port or [ipv6]:port. */
function backendText(terms: readonly ArgTerm[], pos: number): string {
  let ip: string | null = null;
  let port: string | null = null;
  let v6 = false;
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    if (t.kind === 'brackets' && t.terms[0]?.kind === 'const' && t.terms[0].c.kind === 'int') {
      ip = formatIpv6(t.terms[0].c.value);
      v6 = true;
    } else if (t.kind === 'const' && t.c.kind === 'int' && ip === null) {
      v6 = t.c.format === 'ipv6';
      ip = v6 ? formatIpv6(t.c.value) : formatIpv4(t.c.value);
    } else if (t.kind === 'punct' && t.text === ':' && terms[i + 1]?.kind === 'const') {
      const p = terms[++i]!;
      if (p.kind === 'const' && p.c.kind === 'int') port = p.c.value.toString();
    } else {
      throw new LflowError(termPos(t), 'ct_lb: expecting backend address[:port].');
    }
  }
  if (ip === null) throw new LflowError(pos, 'ct_lb: expecting backend address.');
  return `${v6 && port !== null ? `[${ip}]` : ip}${port !== null ? `:${port}` : ''}`;
}

function ctLb(mark: boolean): StatementEncoder {
  return (st, s, out) => {
    const args = s.args ?? [];
    const recirc = nextTable(st);
    const backends: string[] = [];
    let hashFields: string | null = null;
    let flag: string | null = null;
    let inBackends = false;
    for (const a of args) {
      if (a.key === 'backends') inBackends = true;
      else if (a.sep === ';' || a.key !== null) inBackends = false;
      if (inBackends) {
        backends.push(backendText(a.terms, a.pos));
      } else if (a.key === 'hash_fields') {
        const t = a.terms[0];
        if (t?.kind !== 'const' || t.c.kind !== 'string') throw new LflowError(a.pos, 'ct_lb: hash_fields needs a string.');
        hashFields = t.c.value;
      } else if (a.key === null && a.terms[0]?.kind === 'name' && Object.hasOwn(ctFlagValue, a.terms[0].ref.name)) {
        flag = ctFlagValue[a.terms[0].ref.name]!;
      } else {
        throw new LflowError(a.pos, 'ct_lb: unexpected argument.');
      }
    }
    const zone = zoneReg(st);
    if (backends.length === 0) {
      out.push(ct(zone, recirc, 0, [{ type: 'nat', flags: 0, rangePresent: 0 }]));
      return;
    }
    const flagReg = mark ? 'ct_mark' : 'ct_label';
    let g = `type=select,selection_method=${hashFields !== null ? 'hash' : 'dp_hash'}`;
    if (hashFields !== null) g += `,fields(${hashFields})`;
    backends.forEach((b, i) => {
      g += `,bucket=bucket_id=${i},weight:100,actions=ct(nat(dst=${b}),commit,table=${recirc},zone=NXM_NX_${zone.toUpperCase()}[0..15],exec(set_field:${ctNatted}->${flagReg}`;
      if (flag !== null) g += `,set_field:${flag}->${flagReg}`;
      g += '))';
    });
    out.push({ type: 'group', groupId: st.ctx.groupId(g) });
  };
}

/** reg = select(id[=weight], ...): a dp_hash select group whose buckets load the id and resubmit to the next table. */
const select: StatementEncoder = (st, s, out) => {
  if (s.type !== 'result') throw new LflowError(s.pos, 'select must be assigned to a field.');
  const dst = ref(st, s.lhs);
  const recirc = nextTable(st);
  // OVS 3.1 supports symmetric L4 dp_hash (OVS_DP_HASH_L4_SYM_SUPPORT).
  let g = 'type=select,selection_method=dp_hash,selection_method_param=0x100000000';
  const fieldName = dst.name === 'xxreg0' || dst.name === 'xxreg1' ? `NXM_NX_${dst.name.toUpperCase()}` : dst.name;
  (s.args ?? []).forEach((a, i) => {
    const id = a.terms[0];
    const w = a.terms[2];
    if (id?.kind !== 'const' || id.c.kind !== 'int') throw new LflowError(a.pos, 'select: expecting an integer id.');
    const weight = w?.kind === 'const' && w.c.kind === 'int' ? w.c.value : 100n;
    g += `,bucket=bucket_id=${i},weight:${weight},actions=load:${id.c.value}->${fieldName}[${dst.ofs}..${dst.ofs + dst.bits - 1}],resubmit(,${recirc})`;
  });
  out.push({ type: 'group', groupId: st.ctx.groupId(g) });
};

export const ctEncoders: ReadonlyArray<[string, StatementEncoder]> = [
  ['ct_next', (st, _s, out) => { out.push(ct(zoneReg(st), nextTable(st), 0, [])); }],
  ['ct_commit', ctCommit],
  ['ct_dnat', ctNat('dst', () => 'reg11')],
  ['ct_snat', ctNat('src', () => 'reg12')],
  ['ct_dnat_in_czone', ctNat('dst', commonZone)],
  ['ct_snat_in_czone', ctNat('src', commonZone)],
  ['ct_commit_nat', ctNat('none', (st) => zoneReg(st), true)],
  ['ct_lb', ctLb(false)],
  ['ct_lb_mark', ctLb(true)],
  ['ct_clear', (_st, _s, out) => { out.push({ type: 'ct_clear' }); }],
  ['select', select],
];
