// put_dhcp_opts and put_dhcpv6_opts (lib/actions.c encode_PUT_DHCPV4_OPTS / encode_PUT_DHCPV6_OPTS): a
// pausing controller action whose userdata holds the result field, then the options already laid out as
// they go on the wire, so pinctrl can copy them into its DHCP reply. DHCPv4 options are code, length,
// value; the offered address comes first without a header, then bootfile_name, bootfile_name_alt and
// next_server (pinctrl looks for them there), then the rest in the order written. DHCPv6 options are
// be16 code, be16 length, value.
import { LflowError } from '../errors';
import { dhcpv4Codes, dhcpv4Options, dhcpv6Options, type Dhcpv4OptionType } from '../option-tables';
import type { StatementEncoder } from './actions';
import { actionOpcodes, be16, concatBytes, controllerOp, resultFieldBytes } from './controller-op';
import { ref } from './encoder';
import { intBytes, resolveOptions, stringBytes, strtok, type OptionConstant, type ResolvedOption } from './put-options';

type V4Option = ResolvedOption<Dhcpv4OptionType>;

/** RFC 1035 names with compression pointers, as upstream encodes domain_search_list; null = a name too long. */
export function encodeDomainList(list: Uint8Array): Uint8Array | null {
  const out: number[] = [];
  const offsets = new Map<string, number>();
  const key = (b: Uint8Array) => String.fromCharCode(...b);
  for (const { token: domain } of strtok(list, ',')) {
    if (domain.length > 255) return null;
    // Upstream keys each suffix by its text minus the last byte (a strlcpy length quirk); kept, as it
    // decides which suffixes compress.
    let suffix = key(domain.subarray(0, domain.length - 1));
    let ended = true;
    for (const { token: label, rest } of strtok(domain, '.')) {
      const at = offsets.get(suffix);
      if (at !== undefined) {
        out.push(0xc0 | ((at >> 8) & 0x3f), at & 0xff);
        ended = false;
        break;
      }
      offsets.set(suffix, out.length);
      out.push(label.length & 0xff, ...label.subarray(0, label.length & 0xff));
      if (rest < domain.length) suffix = key(domain.subarray(rest, domain.length - 1));
    }
    if (ended) out.push(0);
  }
  return new Uint8Array(out);
}

/** Classless static routes (RFC 3442): per pair, prefix length, the significant prefix bytes, the router. */
function staticRoutes(values: readonly OptionConstant[]): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i + 1 < values.length; i += 2) {
    const net = values[i]!;
    const mask = net.kind === 'int' && net.mask !== null ? net.mask & 0xffffffffn : null;
    // ip_count_cidr_bits: 32 minus the trailing zero bits of the mask.
    let plen = 32;
    if (mask !== null) {
      plen = 0;
      for (let m = mask; m !== 0n && plen < 32; plen++) m = (m << 1n) & 0xffffffffn;
    }
    out.push(plen, ...intBytes(net, 4).subarray(0, Math.ceil(plen / 8)), ...intBytes(values[i + 1]!, 4));
  }
  return new Uint8Array(out);
}

function v4Option(o: V4Option): Uint8Array {
  const first = o.values[0]!;
  const withHeader = (len: number, data: Uint8Array) => concatBytes(new Uint8Array([o.spec.code, len & 0xff]), data);
  switch (o.spec.type) {
    case 'bool':
    case 'uint8':
      return withHeader(1, intBytes(first, 1));
    case 'uint16':
      return withHeader(2, intBytes(first, 2));
    case 'uint32':
      return withHeader(4, intBytes(first, 4));
    case 'ipv4':
      return withHeader(o.values.length * 4, concatBytes(...o.values.map((v) => intBytes(v, 4))));
    case 'static_routes': {
      const data = staticRoutes(o.values);
      return withHeader(data.length, data);
    }
    case 'host_id':
      if (first.kind === 'int') return withHeader(4, intBytes(first, 4));
      return stringOption(o);
    case 'str':
      return stringOption(o);
    case 'domains': {
      const data = encodeDomainList(stringBytes(first));
      return data === null ? withHeader(0, new Uint8Array(0)) : withHeader(data.length, data);
    }
  }
}

/** A string option: its length byte wraps at 256 and only that many bytes follow (upstream uint8 length). */
function stringOption(o: V4Option): Uint8Array {
  const s = stringBytes(o.values[0]!);
  const len = s.length & 0xff;
  return concatBytes(new Uint8Array([o.spec.code, len]), s.subarray(0, len));
}

const v4StringTypes: ReadonlySet<string> = new Set(['str', 'domains']);

export const putDhcpOpts: StatementEncoder = (st, s, out) => {
  if (s.type !== 'result') throw new LflowError(s.pos, 'put_dhcp_opts must be assigned to a field.');
  const opts = resolveOptions(s.args, dhcpv4Options, 'DHCPv4', v4StringTypes, new Set(['host_id']));
  const find = (code: number) => opts.find((o) => o.spec.code === code);
  const offer = find(dhcpv4Codes.offerip);
  if (!offer) throw new LflowError(s.pos, 'put_dhcp_opts requires offerip to be specified.');
  const first = [find(dhcpv4Codes.bootfileName), find(dhcpv4Codes.bootfileNameAlt), find(dhcpv4Codes.nextServer)];
  const parts: Uint8Array[] = [resultFieldBytes(ref(st, s.lhs)), intBytes(offer.values[0]!, 4)];
  for (const o of first) {
    if (o === undefined) continue;
    parts.push(o.spec.code === dhcpv4Codes.nextServer ? concatBytes(new Uint8Array([o.spec.code, 4]), intBytes(o.values[0]!, 4)) : stringOption(o));
  }
  for (const o of opts) if (o !== offer && !first.includes(o)) parts.push(v4Option(o));
  out.push(controllerOp(actionOpcodes.putDhcpOpts, concatBytes(...parts), { pause: true, meterId: st.ctx.ctrlMeterId }));
};

export const putDhcpv6Opts: StatementEncoder = (st, s, out) => {
  if (s.type !== 'result') throw new LflowError(s.pos, 'put_dhcpv6_opts must be assigned to a field.');
  const opts = resolveOptions(s.args, dhcpv6Options, 'DHCPv6', new Set(['str']));
  const parts: Uint8Array[] = [resultFieldBytes(ref(st, s.lhs))];
  for (const o of opts) {
    const data = o.spec.type === 'ipv6' ? concatBytes(...o.values.map((v) => intBytes(v, 16)))
      : o.spec.type === 'mac' ? intBytes(o.values[0]!, 6)
      : stringBytes(o.values[0]!);
    parts.push(be16(o.spec.code), be16(data.length & 0xffff), data);
  }
  out.push(controllerOp(actionOpcodes.putDhcpv6Opts, concatBytes(...parts), { pause: true, meterId: st.ctx.ctrlMeterId }));
};
