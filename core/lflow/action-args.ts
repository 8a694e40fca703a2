// Argument rules for actions whose arguments are not simple options: load balancer backends and NAT
// addresses (lib/actions.c parse_ct_lb_action, parse_ct_nat). Each returns nothing or throws a positioned
// LflowError. The remaining per-action rules (trigger_event, commit_lb_aff, ...) are checked at encoding.
import type { ActionArg, ArgTerm } from './action-syntax';
import { LflowError } from './errors';

function termPos(t: ArgTerm): number {
  return t.kind === 'const' ? t.c.pos : t.kind === 'name' ? t.ref.pos : t.pos;
}

function ipFormat(t: ArgTerm | undefined): 'ipv4' | 'ipv6' | null {
  if (!t || t.kind !== 'const' || t.c.kind !== 'int' || t.c.mask !== null) return null;
  return t.c.format === 'ipv4' || t.c.format === 'ipv6' ? t.c.format : null;
}

function port(t: ArgTerm | undefined, at: number, what: string): void {
  if (!t || t.kind !== 'const' || t.c.kind !== 'int' || t.c.format !== 'decimal' || t.c.mask !== null || t.c.value > 65535n) {
    throw new LflowError(t ? termPos(t) : at, `Syntax error: expecting ${what}.`);
  }
}

/**
 * Backends: IPv4[:port], IPv6, or [IPv6][:port], one after another (upstream makes the commas between
 * them optional, so "10.0.0.1 ::808" is two backends).
 */
function backends(terms: ArgTerm[], at: number): void {
  let i = 0;
  do {
    const first = terms[i];
    if (first?.kind === 'brackets') {
      if (first.terms.length !== 1 || ipFormat(first.terms[0]) !== 'ipv6') throw new LflowError(first.pos, 'Syntax error: expecting IPv6 address.');
    } else {
      const f = ipFormat(first);
      if (f === null) throw new LflowError(first ? termPos(first) : at, 'Syntax error: expecting IP address.');
      const next = terms[i + 1];
      if (f === 'ipv6' && next?.kind === 'punct' && next.text === ':') {
        throw new LflowError(next.pos, 'Syntax error: IPv6 address needs square brackets if port is included.');
      }
    }
    i++;
    const colon = terms[i];
    if (colon?.kind === 'punct' && colon.text === ':') {
      port(terms[i + 1], colon.pos, 'port number');
      i += 2;
    }
  } while (i < terms.length);
}

/** ct_lb / ct_lb_mark: backends=B, B, ...; [hash_fields="..."][;] [skip_snat | force_snat] */
function ctLb(name: string, args: ActionArg[], at: number): void {
  if (args.length === 0) return; // ct_lb; and ct_lb() commit to the chosen backend only
  let i = 0;
  const first = args[0]!;
  if (first.key !== 'backends') throw new LflowError(first.pos, `Syntax error in ${name}: expecting backends.`);
  backends(first.terms, first.pos);
  for (i = 1; i < args.length && args[i]!.sep !== ';'; i++) {
    if (args[i]!.key !== null) throw new LflowError(args[i]!.pos, `Syntax error in ${name}: expecting a backend.`);
    backends(args[i]!.terms, args[i]!.pos);
  }
  for (; i < args.length; i++) {
    const a = args[i]!;
    const t = a.terms[0]!;
    if (a.key === 'hash_fields' && a.terms.length === 1 && t.kind === 'const' && t.c.kind === 'string') continue;
    if (a.key === null && a.terms.length === 1 && t.kind === 'name' && (t.ref.name === 'skip_snat' || t.ref.name === 'force_snat')) continue;
    throw new LflowError(a.pos, `Syntax error in ${name}: expecting hash_fields="...", skip_snat or force_snat.`);
  }
  void at;
}

/** ct_dnat / ct_snat (and the _in_czone forms): (IP[, PORT[-PORT]]) */
function ctNat(name: string, args: ActionArg[], at: number): void {
  if (args.length === 0) return;
  const [ip, range, ...extra] = args;
  if (ip!.key !== null || ip!.terms.length !== 1 || ipFormat(ip!.terms[0]) === null) {
    throw new LflowError(ip!.pos, `Syntax error in ${name}: expecting IPv4 or IPv6 address.`);
  }
  if (range) {
    const [lo, dash, hi, ...more] = range.terms;
    port(lo, range.pos, 'Integer for port range');
    if (dash) {
      if (dash.kind !== 'punct' || dash.text !== '-') throw new LflowError(termPos(dash), `Syntax error in ${name}: expecting \`-' in port range.`);
      port(hi, dash.pos, 'Integer for port range');
      if (lo!.kind === 'const' && hi!.kind === 'const' && lo!.c.kind === 'int' && hi!.c.kind === 'int' && hi!.c.value <= lo!.c.value) {
        throw new LflowError(termPos(hi!), `Syntax error in ${name}: range high should be greater than range low.`);
      }
    }
    if (lo!.kind === 'const' && lo!.c.kind === 'int' && lo!.c.value === 0n) throw new LflowError(termPos(lo!), `Syntax error in ${name}: range can't be 0.`);
    if (more.length > 0) throw new LflowError(termPos(more[0]!), `Syntax error in ${name}: expecting \`)'.`);
  }
  if (extra.length > 0) throw new LflowError(extra[0]!.pos, `Syntax error in ${name}: expecting \`)'.`);
  void at;
}

export const actionArgCheckers: ReadonlyMap<string, (name: string, args: ActionArg[], at: number) => void> = new Map([
  ['ct_lb', ctLb],
  ['ct_lb_mark', ctLb],
  ['ct_dnat', ctNat],
  ['ct_snat', ctNat],
  ['ct_dnat_in_czone', ctNat],
  ['ct_snat_in_czone', ctNat],
]);
