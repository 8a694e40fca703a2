// Seeded random logical flow match expressions for the differential tests against upstream OVN.
//   randomMatch: arbitrary nesting of &&, || and ! over a fixed set of leaves (evaluation semantics).
//   northdLikeMatch: shaped like what ovn-northd writes: ANDs of prerequisites, sets {..}, address sets and
//   port groups, ranges, masks, CIDRs, !=, ct_state flags and register bits, and the ANDs of two or more
//   sets that ovn-controller turns into conjunctive matches.
// Nominal fields (inport, eth.type, ip.proto and the predicates over them) may only be tested positively
// upstream, so leaves are drawn from a list valid under the current negation parity.
import type { Random } from '../core/runtime/random';

/** Leaves valid in either negation parity (nominal tests only where upstream allows them). */
function leaf(r: Random, negated: boolean): string {
  const any = [
    'reg0 == 5', 'reg0 != 0', 'reg0[0..3] < 4', 'reg0[0..3] >= 5', 'reg0[4..7] == {1, 2, 15}', 'reg0[0]', '!reg0[1]', 'reg0 == 0x5/0xf',
    'tcp.dst == 80', 'tcp.dst != 22', '1000 <= tcp.dst <= 2000', 'tcp.dst > 79', 'tcp.dst == {22, 80, 443}', 'udp.dst == 53',
    'ip4.src == 10.0.0.0/8', 'ip4.src != 10.0.0.1', 'ip4.src == 10.0.0.1/255.0.0.255', 'eth.dst == 00:00:00:00:00:01',
    'eth.mcast', 'eth.bcast', 'eth.dst[0..7] > 3', 'ct.est', '!ct.new', 'ct.trk', 'ct.rpl', 'ct_state[0..2] == 2',
    'flags.loopback', 'ct_mark.blocked', '1', '0',
  ];
  const positiveOnly = ['ip4', 'ip6', 'tcp', 'udp', 'arp', 'ip', 'ip.proto == 6', 'inport == "vm1"', 'eth.type == 0x800'];
  const negativeOnly = ['ip.proto != 17', 'inport != "vm2"', 'eth.type != 0x806'];
  return r.chance(0.3) ? r.pick(negated ? negativeOnly : positiveOnly) : r.pick(any);
}

/** An arbitrary expression of nesting depth up to `depth`. */
export function randomMatch(r: Random, depth: number, negated = false): string {
  if (depth === 0 || r.chance(0.35)) return leaf(r, negated);
  if (r.chance(0.2)) return `!(${randomMatch(r, depth - 1, !negated)})`;
  const op = r.pick(['&&', '||']);
  const n = r.intBetween(2, 3);
  return Array.from({ length: n }, () => `(${randomMatch(r, depth - 1, negated)})`).join(` ${op} `);
}

/** Names a northd-like match may use on logical switch sw0 of the corpus topology. */
export interface MatchNames {
  /** Logical ports of the datapath (local and not), plus names that resolve to nothing. */
  readonly ports: readonly string[];
  /** Ports is_chassis_resident() may be asked about. */
  readonly residentCandidates: readonly string[];
  /** Address sets ($name), each with the address family its members are. */
  readonly addressSets: ReadonlyArray<{ name: string; family: 'ip4' | 'ip6' }>;
  /** Port groups (@name). */
  readonly portGroups: readonly string[];
}

const ip4s = ['10.0.0.11', '10.0.0.12', '10.0.0.0/24', '10.1.0.0/16', '192.168.1.1', '10.0.0.0/255.255.0.255', '172.16.0.0/12'];
const ip6s = ['fd00::11', 'fd00::/64', '2001:db8::1', 'fe80::/10'];
const macs = ['00:00:00:00:00:01', '00:00:00:00:00:02', '01:00:00:00:00:00/01:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff'];
const l4ports = [22, 53, 80, 123, 443, 8080, 1024, 65535];

function subset<T>(r: Random, items: readonly T[], min: number, max: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  const n = r.intBetween(min, Math.min(max, pool.length));
  while (out.length < n) out.push(pool.splice(r.int(pool.length), 1)[0]!);
  return out;
}

function set(values: readonly (string | number)[]): string {
  return values.length === 1 ? String(values[0]) : `{${values.join(', ')}}`;
}

/** The protocols one match is about (northd's matches rarely mix IPv4 with IPv6 or TCP with UDP). */
interface Protocols {
  l4: string;
  ip: string;
}

/** One comparison or predicate, as northd writes them. `negatable`: it may appear under `!`. */
function northdLeaf(r: Random, names: MatchNames, negatable: boolean, protocols: Protocols): string {
  // Now and then another protocol than the match's: contradictory prerequisites compile to nothing.
  const l4 = r.chance(0.1) ? r.pick(['tcp', 'udp', 'sctp']) : protocols.l4;
  const ip = r.chance(0.1) ? r.pick(['ip4', 'ip6']) : protocols.ip;
  const dir = r.pick(['src', 'dst']);
  const addr = (fam: string) => (fam === 'ip4' ? ip4s : ip6s);
  const choices: Array<() => string> = [
    () => `${ip}.${dir} == ${set(subset(r, addr(ip), 1, 3))}`,
    () => `${ip}.${dir} != ${r.pick(addr(ip).filter((a) => !a.includes('/')))}`,
    () => `${l4}.${dir} == ${set(subset(r, l4ports, 1, 3))}`,
    () => `${l4}.${dir} != ${r.pick(l4ports)}`,
    () => {
      const lo = r.pick([1, 100, 1000, 1024, 4000, 32768]);
      return `${lo} <= ${l4}.${dir} <= ${lo + r.pick([1, 7, 99, 1000, 3000])}`;
    },
    () => `${l4}.${dir} ${r.pick(['<', '<=', '>', '>='])} ${r.pick([0, 1, 80, 1000, 1024, 65534, 65535])}`,
    () => `eth.${dir} == ${set(subset(r, macs, 1, 2))}`,
    () => `eth.${dir} != ${r.pick(macs.filter((m) => !m.includes('/')))}`,
    () => r.pick(['ct.est', 'ct.new', 'ct.rel', 'ct.rpl', 'ct.inv', 'ct.trk', '!ct.trk', '!ct.est', 'ct.est && !ct.rel && !ct.new && !ct.inv && ct.rpl']),
    () => `ct_mark.blocked == ${r.int(2)}`,
    () => `ct_label.blocked == ${r.int(2)}`,
    () => `reg${r.int(10)}[${r.int(32)}] == ${r.int(2)}`,
    () => `reg0[${r.pick(['0..7', '8..15', '16..31'])}] == ${r.pick(['0', '5', '0x5/0xf', '{1, 2, 3}', '{0x10/0x10, 7}'])}`,
    () => `reg${r.int(10)} ${r.pick(['==', '!='])} ${r.pick([0, 1, 0x80000000])}`,
    () => `xxreg0 == ${r.pick(['10.0.0.1', '::1'])}`,
    () => r.pick(['flags.loopback', 'flags.loopback == 0', 'flags[1] == 1']),
    () => `ip4.mcast`,
    () => `eth.mcast`,
    () => `vlan.present`,
    () => `tcp.flags == ${r.pick(['0x002', '0x12/0x12', '0x4/0x4'])}`,
    () => {
      const as = r.pick(names.addressSets);
      return `${as.family}.${dir} == $${as.name}`;
    },
    () => `is_chassis_resident(${JSON.stringify(r.pick(names.residentCandidates))})`,
  ];
  // Nominal tests: only positively (never under `!`).
  const positive: Array<() => string> = [
    () => `inport == ${r.chance(0.5) ? JSON.stringify(r.pick(names.ports)) : `{${subset(r, names.ports, 2, 3).map((p) => JSON.stringify(p)).join(', ')}}`}`,
    () => `outport == ${r.chance(0.5) ? JSON.stringify(r.pick(names.ports)) : `{${subset(r, names.ports, 2, 3).map((p) => JSON.stringify(p)).join(', ')}}`}`,
    () => (names.portGroups.length > 0 ? `${r.pick(['inport', 'outport'])} == @${r.pick(names.portGroups)}` : 'inport == "none"'),
    () => r.pick(['ip4', 'ip6', 'ip', 'tcp', 'udp', 'icmp4', 'icmp6', 'arp', 'nd', 'nd_ns', 'sctp', 'ip4 && udp', 'ip6 && tcp']),
    () => `eth.type == ${set(subset(r, ['0x800', '0x86dd', '0x806'], 1, 2))}`,
    () => `ip.proto == ${set(subset(r, [1, 6, 17, 58], 1, 2))}`,
    // Unmaskable fields are nominal upstream: == only, never under `!`.
    () => `ip.ttl == ${set(subset(r, [0, 1, 64], 1, 2))}`,
    () => `icmp4.type == ${set(subset(r, [0, 3, 8, 11], 1, 2))}`,
    () => `icmp6.type == ${set(subset(r, [128, 129, 135, 136], 1, 2))} && icmp6.code == 0`,
    () => `ip.dscp == ${r.int(64)}`,
  ];
  return !negatable && r.chance(0.3) ? r.pick(positive)() : r.pick(choices)();
}

/**
 * A match shaped like northd's: mostly a top-level AND of 1..5 terms, each a leaf, a negated leaf or a
 * small OR of leaves. Conjunction-prone ANDs of sets over different fields are frequent.
 */
export function northdLikeMatch(r: Random, names: MatchNames): string {
  const protocols: Protocols = { l4: r.pick(['tcp', 'udp', 'sctp']), ip: r.pick(['ip4', 'ip4', 'ip6']) };
  const leaf = (negatable: boolean) => northdLeaf(r, names, negatable, protocols);
  const term = (): string => {
    const p = r.next();
    if (p < 0.6) return leaf(false);
    if (p < 0.72) return `!(${leaf(true)})`;
    if (p < 0.85) return conjunctionProneSet(r, protocols);
    return `(${Array.from({ length: r.intBetween(2, 3) }, () => `(${leaf(false)})`).join(' || ')})`;
  };
  const n = r.pick([1, 2, 2, 3, 3, 4, 5]);
  const and = Array.from({ length: n }, term).join(' && ');
  if (r.chance(0.1)) return `(${and}) || (${term()})`;
  return and;
}

/** A set over one field, of the kinds northd ANDs together in ACLs (addresses, ports, MACs, registers). */
function conjunctionProneSet(r: Random, p: Protocols): string {
  const dir = r.pick(['src', 'dst']);
  const kinds: Array<() => string> = [
    () => `${p.ip}.${dir} == ${set(subset(r, p.ip === 'ip4' ? ip4s : ip6s, 2, 4))}`,
    () => `${p.l4}.${dir} == ${set(subset(r, l4ports, 2, 4))}`,
    () => `eth.${dir} == ${set(subset(r, macs, 2, 3))}`,
    () => `reg${r.int(4)}[0..15] == {${subset(r, [1, 2, 3, 0x10, 0x100, 0x8000], 2, 4).join(', ')}}`,
    () => `ct_mark == {${subset(r, [1, 2, 4, 8], 2, 3).join(', ')}}`,
  ];
  return r.pick(kinds)();
}
