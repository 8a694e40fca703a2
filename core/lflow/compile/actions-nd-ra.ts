// put_nd_ra_opts (lib/actions.c parse_put_nd_ra_opts, encode_PUT_ND_RA_OPTS): the userdata carries a whole
// ICMPv6 Router Advertisement body (type, hop limit, M/O and preference flags, lifetime) followed by its
// ND options, which pinctrl copies as is into the reply to a Router Solicitation. addr_mode and
// router_preference only set header flags; the prefix option's autonomous flag depends on whether
// addr_mode=dhcpv6_stateful came before it, as upstream reads the flags while encoding.
import { parseIpv4, parseIpv6, prefixMask } from '../addresses';
import { LflowError } from '../errors';
import { ndRaOptions, type NdRaOptionType } from '../option-tables';
import type { StatementEncoder } from './actions';
import { actionOpcodes, be32, concatBytes, controllerOp, resultFieldBytes } from './controller-op';
import { ref } from './encoder';
import { intBytes, resolveOptions, stringBytes, strtok, type ResolvedOption } from './put-options';

/** ND option types (RFC 4861 4.6, RFC 6106, RFC 4191) and RA header values (lib/ovn-l7.h). */
const nd = { slla: 1, prefix: 3, mtu: 5, routeInfo: 24, rdnss: 25, dnssl: 31 } as const;
const ra = {
  type: 134, hopLimit: 255, lifetime: 0xffff, managed: 0x80, other: 0x40, prfHigh: 0x08, prfLow: 0x18,
  onLink: 0x80, autonomous: 0x40,
} as const;
const addrModeCode = 0;
const preferenceCode = 255;
const infinite = 0xffffffff;

type RaOption = ResolvedOption<NdRaOptionType>;

/** Upstream's checks after parsing (parse_put_nd_ra_opts), with its messages. */
function validate(opts: readonly RaOption[], at: number): void {
  let stateful = false;
  let prefix = false;
  let slla = false;
  for (const o of opts) {
    const c = o.values[0]!;
    const invalid = () => new LflowError(o.pos, `Invalid value for "${o.spec.name}" option`);
    if (o.values.length > 1) throw invalid();
    const str = c.kind === 'string' ? c.value : null;
    const fmt = c.kind === 'int' ? c.format : null;
    switch (o.spec.code) {
      case addrModeCode:
        if (str !== 'slaac' && str !== 'dhcpv6_stateful' && str !== 'dhcpv6_stateless') throw invalid();
        if (str === 'dhcpv6_stateful') stateful = true;
        break;
      case preferenceCode:
        if (str !== 'MEDIUM' && str !== 'HIGH' && str !== 'LOW') throw invalid();
        break;
      case nd.slla:
        slla = true;
        if (fmt !== 'ethernet') throw invalid();
        break;
      case nd.prefix:
        prefix = true;
        if (fmt !== 'ipv6' || c.kind !== 'int' || c.mask === null) throw invalid();
        break;
      case nd.mtu:
        if (fmt !== 'decimal') throw invalid();
        break;
      case nd.rdnss:
        if (fmt !== 'ipv6') throw invalid();
        break;
      default:
        if (str === null) throw invalid();
    }
  }
  if (!slla) throw new LflowError(at, 'slla option not present');
  if (!stateful && !prefix) throw new LflowError(at, 'prefix option needs to be set when address mode is slaac/dhcpv6_stateless.');
}

/** ipv6_count_cidr_bits: whole 0xff bytes, then the bits of the first other byte down to its lowest one. */
function ipv6CidrBits(mask: bigint): number {
  let count = 0;
  for (let i = 15; i >= 0; i--) {
    let b = Number((mask >> BigInt(i * 8)) & 0xffn);
    if (b === 0xff) {
      count += 8;
      continue;
    }
    for (; b !== 0; b = (b << 1) & 0xff) count++;
    break;
  }
  return count;
}

/** DNSSL body (RFC 6106): labelled names, zero-padded so header + body is a multiple of 8; null if too long. */
function dnssl(list: Uint8Array): Uint8Array | null {
  const bufBytes = 255;
  const buf = new Uint8Array(bufBytes);
  let size = 8;
  let i = 0;
  for (const { token } of strtok(list, ',')) {
    size += token.length + 2;
    if (size > bufBytes) return null;
    for (const { token: label } of strtok(token, '.')) {
      const len = Math.min(label.length, 0xff);
      buf[i++] = len;
      buf.set(label.subarray(0, len), i);
      i += len;
    }
    buf[i++] = 0;
  }
  const total = Math.ceil(size / 8) * 8;
  return concatBytes(new Uint8Array([nd.dnssl, total / 8, 0, 0]), be32(infinite), buf.subarray(0, total - 8));
}

/** An address list as extract_ip_addresses reads it: the first IPv6 network and prefix, or null. */
function firstIpv6Network(text: string): { network: bigint; plen: number } | null {
  let found: { network: bigint; plen: number } | null = null;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const [addr, len, ...extra] = word.split('/');
    if (extra.length > 0 || addr === undefined) return null;
    const v6 = parseIpv6(addr);
    const width = v6 !== null ? 128 : 32;
    if (v6 === null && parseIpv4(addr) === null) return null;
    const plen = len === undefined ? width : /^\d+$/.test(len) ? Number(len) : NaN;
    if (!(plen >= 0 && plen <= width)) return null;
    if (v6 !== null && found === null) found = { network: v6 & prefixMask(plen, 128), plen };
  }
  return found;
}

/** route_info "PRF-PREFIX,...": one Route Information option per prefix; parsing stops at the first bad one. */
function routeInfo(list: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  const dec = new TextDecoder();
  for (const { token } of strtok(list, ',')) {
    let flags = 0;
    let index = 0;
    for (const { token: t } of strtok(token, '-')) {
      // Upstream resets its counter to 0 after a prefix and then increments it: later fields are prefixes too.
      if (index === 0) {
        const s = dec.decode(t);
        flags = s === 'HIGH' ? ra.prfHigh : s === 'LOW' ? ra.prfLow : 0;
        index = 1;
        continue;
      }
      const r = firstIpv6Network(dec.decode(t));
      if (r === null) return concatBytes(...parts);
      const words = Math.ceil(r.plen / 64);
      parts.push(new Uint8Array([nd.routeInfo, 1 + words, r.plen, flags]), be32(infinite),
        intBytes({ kind: 'int', value: r.network, mask: null, format: 'ipv6', pos: 0 }, 16).subarray(0, words * 8));
    }
  }
  return concatBytes(...parts);
}

export const putNdRaOpts: StatementEncoder = (st, s, out) => {
  if (s.type !== 'result') throw new LflowError(s.pos, 'put_nd_ra_opts must be assigned to a field.');
  const opts = resolveOptions(s.args, ndRaOptions, 'IPv6 ND RA', new Set(['str']));
  validate(opts, s.pos);
  let flags = 0;
  const body: Uint8Array[] = [];
  for (const o of opts) {
    const c = o.values[0]!;
    const str = c.kind === 'string' ? c.value : '';
    switch (o.spec.code) {
      case addrModeCode:
        flags |= str === 'dhcpv6_stateful' ? ra.managed : str === 'dhcpv6_stateless' ? ra.other : 0;
        break;
      case preferenceCode:
        flags |= str === 'LOW' ? ra.prfLow : str === 'HIGH' ? ra.prfHigh : 0;
        break;
      case nd.slla:
        body.push(new Uint8Array([nd.slla, 1]), intBytes(c, 6));
        break;
      case nd.mtu:
        body.push(new Uint8Array([nd.mtu, 1, 0, 0]), intBytes(c, 4));
        break;
      case nd.prefix: {
        const plen = c.kind === 'int' && c.mask !== null ? ipv6CidrBits(c.mask) : 128;
        const la = ra.onLink | (flags & ra.managed ? 0 : ra.autonomous);
        body.push(new Uint8Array([nd.prefix, 4, plen, la]), be32(infinite), be32(infinite), be32(0), intBytes(c, 16));
        break;
      }
      case nd.rdnss:
        body.push(new Uint8Array([nd.rdnss, 3, 0, 0]), be32(infinite), intBytes(c, 16));
        break;
      case nd.dnssl: {
        const d = dnssl(stringBytes(c));
        if (d !== null) body.push(d);
        break;
      }
      case nd.routeInfo:
        body.push(routeInfo(stringBytes(c)));
        break;
      default:
        throw new LflowError(o.pos, `IPv6 ND RA option ${o.spec.name} cannot be encoded.`);
    }
  }
  // The router lifetime is never 0 here, so upstream's RFC 4191 preference reset never applies.
  const header = new Uint8Array([ra.type, 0, 0, 0, ra.hopLimit, flags, ra.lifetime >> 8, ra.lifetime & 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
  const payload = concatBytes(resultFieldBytes(ref(st, s.lhs)), header, ...body);
  out.push(controllerOp(actionOpcodes.putNdRaOpts, payload, { pause: true, meterId: st.ctx.ctrlMeterId }));
};
