// commit_lb_aff and commit_ecmp_nh (learn actions), and the chk_ecmp_nh* lookups that read them back.
import * as assert from 'node:assert/strict';
import { LflowError } from '../errors';
import { parseLbKey } from './actions-learn';
import { encodeText } from './encode-kit.test';

describe('lflow compile: commit_lb_aff and commit_ecmp_nh', function () {
  it('learns the client, VIP and port and loads the backend (IPv4, as northd writes it)', function () {
    assert.equal(encodeText('commit_lb_aff(vip = "10.0.0.102:53", backend = "10.0.0.11:53", proto = udp, timeout = 60);'),
      'learn(table=78,idle_timeout=60,delete_learned,OXM_OF_METADATA[],eth_type=0x800,NXM_OF_IP_SRC[],ip_dst=10.0.0.102,nw_proto=17,udp_dst=53,load:0x1->NXM_NX_REG10[14],load:0xa00000b->NXM_NX_REG4[],load:0x35->NXM_NX_REG8[0..15])');
    assert.equal(encodeText('commit_lb_aff(vip = "10.0.0.101", backend = "10.0.0.12", timeout = 5);'),
      'learn(table=78,idle_timeout=5,delete_learned,OXM_OF_METADATA[],eth_type=0x800,NXM_OF_IP_SRC[],ip_dst=10.0.0.101,load:0x1->NXM_NX_REG10[14],load:0xa00000c->NXM_NX_REG4[])');
  });

  it('loads an IPv6 backend into xxreg0 on switches and xxreg1 on routers', function () {
    const text = 'commit_lb_aff(vip = "[fd00::100]:80", backend = "[fd00::11]:8080", proto = tcp, timeout = 30);';
    const expected = (reg: string) => `learn(table=78,idle_timeout=30,delete_learned,OXM_OF_METADATA[],eth_type=0x86dd,NXM_NX_IPV6_SRC[],ipv6_dst=fd00::100,nw_proto=6,tcp_dst=80,load:0x1->NXM_NX_REG10[14],load:0xfd000000000000000000000000000011->${reg}[],load:0x1f90->NXM_NX_REG8[0..15])`;
    assert.equal(encodeText(text, { isSwitch: true }), expected('NXM_NX_XXREG0'));
    assert.equal(encodeText(text, { isSwitch: false }), expected('NXM_NX_XXREG1'));
  });

  it('parses load balancer keys as upstream does', function () {
    assert.deepEqual(parseLbKey('10.0.0.1:80'), { ip: 0x0a000001n, v6: false, port: 80 });
    assert.deepEqual(parseLbKey('[fd00::1]'), { ip: 0xfd000000000000000000000000000001n, v6: true, port: 0 });
    assert.deepEqual(parseLbKey('fd00::1'), { ip: 0xfd000000000000000000000000000001n, v6: true, port: 0 });
    assert.equal(parseLbKey('10.0.0.1:65536'), null);
    assert.equal(parseLbKey('[fd00::1]80'), null);
    assert.equal(parseLbKey('host:80'), null);
  });

  it('refuses mixed families, a missing proto with a VIP port and a bad timeout', function () {
    const fails = (text: string, message: RegExp) => assert.throws(() => encodeText(text), (e: unknown) => e instanceof LflowError && message.test(e.message));
    fails('commit_lb_aff(vip = "10.0.0.1:80", backend = "[fd00::1]:80", proto = tcp, timeout = 1);', /invalid protocol family/);
    fails('commit_lb_aff(vip = "10.0.0.1:80", backend = "10.0.0.2:80", timeout = 1);', /expecting proto/);
    fails('commit_lb_aff(vip = "10.0.0.1", backend = "10.0.0.2", timeout = 70000);', /expecting timeout/);
    fails('commit_lb_aff(vip = "nope", backend = "10.0.0.2", timeout = 1);', /bad address "nope"/);
  });

  it('learns both directions of an ECMP connection', function () {
    assert.equal(encodeText('commit_ecmp_nh(ipv6 = true, proto = sctp);'),
      'learn(table=76,idle_timeout=20,hard_timeout=30,delete_learned,OXM_OF_METADATA[],NXM_OF_ETH_SRC[],eth_type=0x86dd,NXM_NX_IPV6_SRC[],NXM_NX_IPV6_DST[],nw_proto=132,OXM_OF_SCTP_SRC[],OXM_OF_SCTP_DST[],load:0x1->NXM_NX_REG10[13]),'
      + 'learn(table=77,idle_timeout=20,hard_timeout=30,delete_learned,OXM_OF_METADATA[],eth_type=0x86dd,NXM_NX_IPV6_SRC[]=NXM_NX_IPV6_DST[],NXM_NX_IPV6_DST[]=NXM_NX_IPV6_SRC[],nw_proto=132,OXM_OF_SCTP_SRC[]=OXM_OF_SCTP_DST[],OXM_OF_SCTP_DST[]=OXM_OF_SCTP_SRC[],load:0x1->NXM_NX_REG10[13])');
    assert.throws(() => encodeText('commit_ecmp_nh(ipv6 = maybe, proto = tcp);'), /expecting ipv6 = true or false/);
    assert.throws(() => encodeText('commit_ecmp_nh(ipv6 = false, proto = icmp);'), /invalid protocol icmp/);
  });

  it('reads the learned flag back with chk_ecmp_nh_mac and chk_ecmp_nh', function () {
    assert.equal(encodeText('reg9[5] = chk_ecmp_nh_mac(); reg9[5] = chk_ecmp_nh();'),
      'set_field:0/0x2000->reg10,resubmit(,76),move:NXM_NX_REG10[13]->OXM_OF_PKT_REG4[5],set_field:0/0x2000->reg10,resubmit(,77),move:NXM_NX_REG10[13]->OXM_OF_PKT_REG4[5]');
  });
});
