// put_nd_ra_opts encoding, expected text as upstream ovn-controller 23.03 installs it.
import * as assert from 'node:assert/strict';
import { LflowError } from '../errors';
import { encodeText } from './encode-kit.test';

describe('lflow compile: put_nd_ra_opts', function () {
  it('encodes the RA header, source link-layer address and prefix (the corpus form)', function () {
    assert.equal(encodeText('reg0[5] = put_nd_ra_opts(addr_mode = "slaac", slla = 00:00:00:00:ff:01, prefix = fd00::/64); next;'),
      'controller(userdata=00.00.00.08.00.00.00.00.00.01.de.10.00.00.00.65.86.00.00.00.ff.00.ff.ff.00.00.00.00.00.00.00.00.01.01.00.00.00.00.ff.01.03.04.40.c0.ff.ff.ff.ff.ff.ff.ff.ff.00.00.00.00.fd.00.00.00.00.00.00.00.00.00.00.00.00.00.00.00,pause),resubmit(,14)');
  });

  it('sets M/O and preference flags and encodes mtu, rdnss, dnssl and route_info', function () {
    assert.equal(encodeText('reg0[5] = put_nd_ra_opts(addr_mode = "dhcpv6_stateful", slla = 00:00:00:00:ff:01, mtu = 1450, router_preference = "HIGH", rdnss = fd00::53, dnssl = "aa.bb.cc", route_info = "LOW-aef2::11/96");'),
      'controller(userdata=00.00.00.08.00.00.00.00.00.01.de.10.00.00.00.65.86.00.00.00.ff.88.ff.ff.00.00.00.00.00.00.00.00.01.01.00.00.00.00.ff.01.05.01.00.00.00.00.05.aa.19.03.00.00.ff.ff.ff.ff.fd.00.00.00.00.00.00.00.00.00.00.00.00.00.00.53.1f.03.00.00.ff.ff.ff.ff.02.61.61.02.62.62.02.63.63.00.00.00.00.00.00.00.18.03.60.18.ff.ff.ff.ff.ae.f2.00.00.00.00.00.00.00.00.00.00.00.00.00.00,pause)');
  });

  it('clears the prefix autonomous flag only when dhcpv6_stateful came before the prefix', function () {
    const prefixFlags = (t: string) => /\.03\.04\.40\.([0-9a-f]{2})\./.exec(encodeText(t))?.[1];
    assert.equal(prefixFlags('reg0[5] = put_nd_ra_opts(addr_mode = "dhcpv6_stateful", slla = 00:00:00:00:ff:01, prefix = fd00::/64);'), '80');
    assert.equal(prefixFlags('reg0[5] = put_nd_ra_opts(slla = 00:00:00:00:ff:01, prefix = fd00::/64, addr_mode = "dhcpv6_stateful");'), 'c0');
  });

  it('adds the ip6 prerequisite and refuses what upstream refuses', function () {
    const fails = (text: string, message: RegExp) => assert.throws(() => encodeText(text), (e: unknown) => e instanceof LflowError && message.test(e.message));
    fails('reg0[5] = put_nd_ra_opts(addr_mode = "slaac", prefix = fd00::/64);', /slla option not present/);
    fails('reg0[5] = put_nd_ra_opts(addr_mode = "slaac", slla = 00:00:00:00:ff:01);', /prefix option needs to be set/);
    fails('reg0[5] = put_nd_ra_opts(addr_mode = "other", slla = 00:00:00:00:ff:01);', /Invalid value for "addr_mode" option/);
    fails('reg0[5] = put_nd_ra_opts(slla = 00:00:00:00:ff:01, prefix = fd00::1, addr_mode = "slaac");', /Invalid value for "prefix" option/);
    fails('reg0[5] = put_nd_ra_opts(slla = 00:00:00:00:ff:01, bogus = 1);', /expecting IPv6 ND RA option name/);
  });
});
