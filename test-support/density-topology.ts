// The NB for bench:lflow and the density scenario of the compiler agreement test, in the style of ovn-heater's density workloads: `switches` logical switches of
// `portsPerSwitch` VIF ports each (addresses and port security set), one router connecting them all, per
// switch a port group and an address set with network-policy-like ACLs over them, a cluster-wide default-deny
// port group, and `loadBalancers` TCP load balancers (3 backends each) on every switch and on the router.
// Commands are batched (`--` separated) so the NB is built with a few dozen ovn-nbctl runs.

export interface DensityWorkload {
  readonly switches: number;
  readonly portsPerSwitch: number;
  readonly loadBalancers: number;
  /** VIF ports bound on the hypervisor per switch (at least 1, so every datapath is local). */
  readonly boundPerSwitch: number;
}

const hex2 = (n: number) => (n & 0xff).toString(16).padStart(2, '0');
const portName = (s: number, p: number) => `ls${s}-p${p}`;
const portMac = (s: number, p: number) => `0a:00:00:${hex2(s >> 8)}:${hex2(s)}:${hex2(p + 2)}`;
const portIp = (s: number, p: number) => `10.${100 + Math.floor(s / 250)}.${s % 250}.${p + 2}`;

/** Joins ovn-nbctl commands into one invocation (one NB transaction). */
function batch(cmds: readonly (readonly string[])[]): string[] {
  return cmds.flatMap((c, i) => (i === 0 ? [...c] : ['--', ...c]));
}

export function densityTopology(w: DensityWorkload): string[][] {
  if (w.portsPerSwitch > 250 || w.switches > 1000) throw new Error('at most 1000 switches of 250 ports');
  const out: string[][] = [];
  out.push(['lr-add', 'lr0']);
  for (let s = 0; s < w.switches; s++) {
    const ls = `ls${s}`;
    const gw = `10.${100 + Math.floor(s / 250)}.${s % 250}.1`;
    const cmds: string[][] = [
      ['ls-add', ls],
      ['lrp-add', 'lr0', `lr0-${ls}`, `0a:00:01:${hex2(s >> 8)}:${hex2(s)}:01`, `${gw}/24`],
      ['lsp-add', ls, `${ls}-lr0`],
      ['lsp-set-type', `${ls}-lr0`, 'router'],
      ['lsp-set-addresses', `${ls}-lr0`, 'router'],
      ['lsp-set-options', `${ls}-lr0`, `router-port=lr0-${ls}`],
    ];
    for (let p = 0; p < w.portsPerSwitch; p++) {
      const n = portName(s, p);
      const addr = `${portMac(s, p)} ${portIp(s, p)}`;
      cmds.push(['lsp-add', ls, n], ['lsp-set-addresses', n, addr], ['lsp-set-port-security', n, addr]);
    }
    out.push(batch(cmds));
  }
  // Port groups and address sets (a second pass: the ports exist by now).
  const all: string[] = [];
  for (let s = 0; s < w.switches; s++) {
    const ports = Array.from({ length: w.portsPerSwitch }, (_, p) => portName(s, p));
    all.push(...ports);
    const ext = Array.from({ length: 8 }, (_, i) => `"172.${16 + (s % 16)}.${i}.0/24"`).join(',');
    out.push(batch([
      ['pg-add', `pg_ns${s}`, ...ports],
      ['create', 'Address_Set', `name=as_ext${s}`, `addresses=${ext}`],
      // Namespace isolation: traffic from the same namespace, and web/https to external ranges.
      ['acl-add', `pg_ns${s}`, 'to-lport', '1010', `outport == @pg_ns${s} && ip4.src == $pg_ns${s}_ip4`, 'allow-related'],
      ['acl-add', `pg_ns${s}`, 'from-lport', '1010', `inport == @pg_ns${s} && ip4.dst == $as_ext${s} && tcp.dst == {80, 443}`, 'allow-related'],
      ['acl-add', `pg_ns${s}`, 'to-lport', '1005', `outport == @pg_ns${s} && ip4.src == $pg_ns${(s + 1) % w.switches}_ip4 && tcp.dst >= 8000 && tcp.dst <= 8100`, 'allow-related'],
    ]));
  }
  out.push(batch([
    ['pg-add', 'pg_deny_all', ...all],
    ['acl-add', 'pg_deny_all', 'to-lport', '1000', 'outport == @pg_deny_all && ip', 'drop'],
    ['acl-add', 'pg_deny_all', 'from-lport', '1000', 'inport == @pg_deny_all && ip', 'drop'],
    ['acl-add', 'pg_deny_all', 'from-lport', '1001', 'inport == @pg_deny_all && (arp || nd || udp.dst == 53)', 'allow'],
  ]));
  const lbs: string[][] = [];
  for (let l = 0; l < w.loadBalancers; l++) {
    const backends = [0, 1, 2].map((k) => {
      const s = (l + k * 7) % w.switches;
      return `${portIp(s, (l + k) % w.portsPerSwitch)}:8080`;
    });
    lbs.push(['lb-add', `lb${l}`, `172.30.${Math.floor(l / 250)}.${(l % 250) + 1}:80`, backends.join(','), 'tcp']);
  }
  if (lbs.length > 0) out.push(batch(lbs));
  for (let s = 0; s < w.switches && w.loadBalancers > 0; s++) {
    out.push(batch(Array.from({ length: w.loadBalancers }, (_, l) => ['ls-lb-add', `ls${s}`, `lb${l}`])));
  }
  if (w.loadBalancers > 0) out.push(batch(Array.from({ length: w.loadBalancers }, (_, l) => ['lr-lb-add', 'lr0', `lb${l}`])));
  return out;
}

/** Logical ports the hypervisor binds: the first `boundPerSwitch` ports of every switch. */
export function densityVifs(w: DensityWorkload): string[] {
  const out: string[] = [];
  for (let s = 0; s < w.switches; s++) for (let p = 0; p < Math.min(w.boundPerSwitch, w.portsPerSwitch); p++) out.push(portName(s, p));
  return out;
}

/** Port `p` of every switch: the VIFs of a hypervisor that, like hv1, has every datapath local. */
export function densityPortsAt(w: DensityWorkload, p: number): string[] {
  if (p < 0 || p >= w.portsPerSwitch) throw new Error(`port ${p} is not one of the ${w.portsPerSwitch} ports per switch`);
  return Array.from({ length: w.switches }, (_, s) => portName(s, p));
}
