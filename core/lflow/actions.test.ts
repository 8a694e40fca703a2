import { strict as assert } from 'node:assert';
import { checkActions } from './check-actions';
import { attempt } from './errors';
import { noNames } from './lookup';
import { parseActions } from './parse-actions';
import { printActions } from './print-actions';
import { ovnSymtab } from './symtab';
import { maxNestedActionDepthCount } from './action-table';

const ctx = { symtab: ovnSymtab(), names: noNames };

function canon(text: string): string {
  const r = parseActions(text);
  if (!r.ok) assert.fail(`${text}: ${r.error.message}`);
  const c = attempt(() => checkActions(r.value, ctx));
  if (!c.ok) assert.fail(`${text}: ${c.error.message}`);
  return printActions(r.value);
}

function err(text: string): { pos: number; problem: string } {
  const r = parseActions(text);
  if (!r.ok) return { pos: r.error.pos, problem: r.error.problem };
  const c = attempt(() => checkActions(r.value, ctx));
  if (c.ok) assert.fail(`no error for ${text}`);
  return { pos: c.error.pos, problem: c.error.problem };
}

describe('lflow actions', () => {
  it('parses every statement form and prints it canonically', () => {
    const cases: Array<[string, string]> = [
      ['drop;', 'drop;'],
      ['next;', 'next;'],
      ['next(1);', 'next(1);'],
      ['next(pipeline=egress,table=5);', 'next(pipeline=egress, table=5);'],
      ['outport = "lr0-sw0"; output;', 'outport = "lr0-sw0"; output;'],
      ['eth.dst = eth.src; eth.src = 00:00:00:00:ff:01;', 'eth.dst = eth.src; eth.src = 00:00:00:00:ff:01;'],
      ['eth.dst <-> eth.src;', 'eth.dst <-> eth.src;'],
      ['reg0[0] = 1; reg1[0..15] = 0x50;', 'reg0[0] = 1; reg1[0..15] = 0x50;'],
      ['ip.ttl--;', 'ip.ttl--;'],
      ['ct_commit { ct_mark.blocked = 1; ct_label.label = 7; };', 'ct_commit { ct_mark.blocked = 1; ct_label.label = 7; };'],
      ['ct_commit;', 'ct_commit;'],
      ['ct_commit{};', 'ct_commit { };'],
      ['ct_lb_mark(backends=10.0.0.2:80,10.0.0.3:80; hash_fields="ip_src,ip_dst"; skip_snat);', 'ct_lb_mark(backends=10.0.0.2:80, 10.0.0.3:80; hash_fields="ip_src,ip_dst"; skip_snat);'],
      ['ct_lb_mark(backends=[fd00::2]:80,[fd00::3]:8080);', 'ct_lb_mark(backends=[fd00::2]:80, [fd00::3]:8080);'],
      ['ct_lb_mark(backends=10.0.0.11::808,10.0.0.12:8080);', 'ct_lb_mark(backends=10.0.0.11 ::808, 10.0.0.12:8080);'],
      ['ct_snat(172.16.0.1, 1000-2000);', 'ct_snat(172.16.0.1, 1000-2000);'],
      ['ct_dnat;', 'ct_dnat;'],
      ['reg0[3] = put_dhcp_opts(offerip = 10.0.0.2, router = 10.0.0.1, dns_server = {8.8.8.8, 7.7.7.7}, domain_name = "ovn.org");',
        'reg0[3] = put_dhcp_opts(offerip=10.0.0.2, router=10.0.0.1, dns_server={8.8.8.8, 7.7.7.7}, domain_name="ovn.org");'],
      ['reg0[0] = check_pkt_larger(1500); next;', 'reg0[0] = check_pkt_larger(1500); next;'],
      ['reg8[0..15] = select(1=50, 2=50);', 'reg8[0..15] = select(1=50, 2=50);'],
      ['outport = get_fdb(eth.dst);', 'outport = get_fdb(eth.dst);'],
      ['put_arp(inport, arp.spa, arp.sha);', 'put_arp(inport, arp.spa, arp.sha);'],
      ['log(name="acl1", severity=info, verdict=allow, meter="m");', 'log(name="acl1", severity=info, verdict=allow, meter="m");'],
      ['arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.op = 1; output; };', 'arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.op = 1; output; };'],
      ['clone { ct_clear; inport = outport; outport = ""; next(pipeline=ingress, table=0); };',
        'clone { ct_clear; inport = outport; outport = ""; next(pipeline=ingress, table=0); };'],
      ['icmp4 { icmp4.type = 3; icmp4.frag_mtu = 1400; output; };', 'icmp4 { icmp4.type = 3; icmp4.frag_mtu = 1400; output; };'],
      ['fwd_group(liveness="true", childports="p1", "p2");', 'fwd_group(liveness="true", childports="p1", "p2");'],
      ['/* c */ next; // tail', 'next;'],
      ['log(name="a" severity=info verdict=drop);', 'log(name="a", severity=info, verdict=drop);'],
      ['reg0[3] = put_dhcp_opts(offerip = 10.0.0.2 router = 10.0.0.1);', 'reg0[3] = put_dhcp_opts(offerip=10.0.0.2, router=10.0.0.1);'],
    ];
    for (const [text, expected] of cases) {
      assert.equal(canon(text), expected, text);
      assert.equal(canon(expected), expected, `canonical re-parses: ${expected}`);
    }
  });

  it('reports the prerequisites that fields and actions add to the match', () => {
    const r = parseActions('tcp.dst = 80; ct_commit { ct_mark.blocked = 1; }; arp { output; };');
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual(checkActions(r.value, ctx).prereqs.sort(), ['arp', 'ip', 'ip4', 'tcp'].sort().filter((p) => p !== 'arp'));
  });

  it('drops the prerequisites of nested actions, which describe the packet they build (upstream parse_nested_action)', () => {
    const r = parseActions('icmp4 { icmp4.type = 11; tcp.dst = 1; output; }; clone { udp.src = 1; next; };');
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual(checkActions(r.value, ctx).prereqs.sort(), ['ip4']);
  });

  it('reports malformed and ill-typed actions with positions', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['drop; next;', 6, /cannot be combined/],
      ['next', 4, /expecting `;'/],
      ['frobnicate;', 0, /expecting action/],
      ['output(1);', 6, /takes no arguments/],
      ['get_arp;', 7, /needs arguments/],
      ['clone;', 5, /needs nested actions/],
      ['next { output; };', 5, /takes no nested actions/],
      ['clone { output; ', 16, /expecting `}'/],
      ['reg0 == 1;', 0, /expecting action/],
      ['reg0[1] == 1;', 8, /expecting `=' or `<->'/],
      ['1 = reg0;', 0, /expecting action/],
      ['next(table=);', 11, /expecting argument/],
      ['next(a b c', 10, /expecting argument|`,' or `\)'/],
      ['foo = 1;', 0, /Unknown field `foo'/],
      ['ct_mark.blocked = 1;', 0, /Field ct_mark.blocked is not modifiable \(only inside ct_commit/],
      ['ct_commit { ct_state = 1; };', 12, /Field ct_state is not modifiable/],
      ['ip4 = 1;', 0, /Predicate symbol ip4 used where lvalue required/],
      ['eth.type = 0x800;', 0, /Field eth.type is not modifiable/],
      ['tcp.dst = 65536;', 10, /17-bit constant is not compatible with 16-bit field tcp.dst/],
      ['reg0[15] = 2;', 11, /2-bit constant is not compatible with 1-bit field reg0\[15\.\.15\]/],
      ['outport = 1;', 10, /String field outport is not compatible with integer constant/],
      ['reg0 = "x";', 7, /Integer field reg0 is not compatible with string constant/],
      ['reg0 = $as;', 7, /Address sets and port groups cannot be assigned/],
      ['reg0 = eth.src;', 7, /Can't assign 48-bit value to 32-bit destination/],
      ['reg0 = inport;', 7, /Can't assign string field \(inport\) to integer field \(reg0\)/],
      ['eth.src <-> ip4.src;', 12, /Can't exchange 48-bit field with 32-bit field/],
      ['eth.src <-> ct_state[0..47];', 12, /Cannot select bits 0 to 47 of 32-bit field ct_state/],
      ['reg0[0..1] = check_pkt_larger(1500);', 0, /where 1-bit field is required by check_pkt_larger/],
      ['reg0[0..7] = select(1, 2);', 0, /requires at least 16 bits/],
      ['reg0--;', 0, /Only ip.ttl may be decremented/],
      ['put_arp(inport, arp.spa, foo);', 25, /Unknown field `foo'/],
      ['put_arp(inport, x=arp.spa);', 16, /expects fields as arguments/],
      ['next; "x";', 6, /expecting action/],
      ['reg0[3] = put_dhcp_opts(offerip = 10.0.0.2, domain_name = ovn.org);', 58, /option domain_name: expecting constant/],
      ['reg0[3] = put_dhcp_opts(10.0.0.2);', 24, /expects `option = value' arguments/],
      ['ct_lb_mark(bckends=10.0.0.2:80);', 11, /expecting backends/],
      ['ct_lb_mark(backends=10.0.0.2:80800);', 29, /expecting port number/],
      ['ct_lb_mark(backends=[fd00::2]80);', 29, /expecting IP address/],
      ['ct_lb_mark(backends=fd00::2 :80);', 28, /IPv6 address needs square brackets/],
      ['ct_lb_mark(backends="x");', 20, /expecting IP address/],
      ['ct_lb_mark(backends=[fd00::2]:80, 10.0.0.2:1; hash_fields=1);', 46, /expecting hash_fields/],
      ['ct_snat(80);', 8, /expecting IPv4 or IPv6 address/],
      ['ct_snat(1.2.3.4, 100-10);', 21, /range high should be greater/],
      ['next(pipeline=ingres);', 14, /pipeline must be one of ingress, egress/],
      ['next(1, 2);', 8, /after the single argument/],
      ['next(tabel=1);', 5, /expecting an option \(pipeline, table\)/],
      ['next(table="1");', 11, /table must be a small decimal integer/],
      ['log(name="a");', 0, /log: expecting verdict/],
      ['log(verdict=allow, severity=loud);', 28, /severity must be one of/],
      [`log(verdict=allow, name="${'x'.repeat(64)}");`, 24, /shorter than 64/],
    ];
    for (const [text, pos, re] of cases) {
      const e = err(text);
      assert.match(e.problem, re, `${text}: ${e.problem}`);
      assert.equal(e.pos, pos, `${text}: ${e.problem}`);
    }
  });

  it(`refuses blocks nested deeper than ${maxNestedActionDepthCount}`, () => {
    const nest = (n: number) => 'clone { '.repeat(n) + 'output;' + ' };'.repeat(n);
    assert.ok(parseActions(nest(maxNestedActionDepthCount - 1)).ok);
    const r = parseActions(nest(maxNestedActionDepthCount));
    assert.ok(!r.ok && /maximum depth/.test(r.error.problem));
  });
});
