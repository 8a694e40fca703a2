// put_dhcp_opts / put_dhcpv6_opts encoding, expected text as upstream ovn-controller 23.03 installs it.
import * as assert from 'node:assert/strict';
import { LflowError } from '../errors';
import { encodeDomainList } from './actions-dhcp';
import { encodeText } from './encode-kit.test';

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('.');

describe('lflow compile: put_dhcp_opts and put_dhcpv6_opts', function () {
  it('encodes the offered address first, then the options in order (the corpus form)', function () {
    assert.equal(encodeText('reg0[3] = put_dhcp_opts(offerip = 10.0.0.11, classless_static_route = {30.0.0.0/24,10.0.0.4,0.0.0.0/0,10.0.0.1}, dns_server = {8.8.8.8,7.7.7.7}, domain_name = "ovn.org", lease_time = 3600, mtu = 1400, netmask = 255.255.255.0, router = 10.0.0.1, server_id = 10.0.0.1); next;'),
      'controller(userdata=00.00.00.02.00.00.00.00.00.01.de.10.00.00.00.63.0a.00.00.0b.79.0d.18.1e.00.00.0a.00.00.04.00.0a.00.00.01.06.08.08.08.08.08.07.07.07.07.0f.07.6f.76.6e.2e.6f.72.67.33.04.00.00.0e.10.1a.02.05.78.01.04.ff.ff.ff.00.03.04.0a.00.00.01.36.04.0a.00.00.01,pause),resubmit(,14)');
  });

  it('moves bootfile_name, bootfile_name_alt and next_server to the front; host_id takes an address', function () {
    assert.equal(encodeText('reg0[3] = put_dhcp_opts(offerip = 10.0.0.12, router = 10.0.0.1, bootfile_name = "pxe.0", next_server = 10.0.0.5, bootfile_name_alt = "ipxe.efi", tftp_server = 10.0.0.9, default_ttl = 64);'),
      'controller(userdata=00.00.00.02.00.00.00.00.00.01.de.10.00.00.00.63.0a.00.00.0c.43.05.70.78.65.2e.30.fe.08.69.70.78.65.2e.65.66.69.fd.04.0a.00.00.05.03.04.0a.00.00.01.42.04.0a.00.00.09.17.01.40,pause)');
  });

  it('writes the result field with its OpenFlow 1.5 header (reg9 is OXM_OF_PKT_REG4)', function () {
    assert.equal(encodeText('reg9[3] = put_dhcp_opts(offerip = 10.0.0.14);'), 'controller(userdata=00.00.00.02.00.00.00.00.80.01.08.08.00.00.00.03.0a.00.00.0e,pause)');
  });

  it('compresses domain search lists as upstream does', function () {
    const enc = (s: string) => hex(encodeDomainList(new TextEncoder().encode(s))!);
    assert.equal(enc('abc.com,xyz.abc.com'), '03.61.62.63.03.63.6f.6d.00.03.78.79.7a.c0.00');
    assert.equal(enc('a.b.c,b.c,c,x.a.b.c'), '01.61.01.62.01.63.00.c0.02.c0.04.01.78.c0.00');
    assert.equal(encodeDomainList(new TextEncoder().encode(`${'a'.repeat(256)}.com`)), null);
    assert.equal(encodeText('reg0[3] = put_dhcp_opts(offerip = 10.0.0.13, domain_search_list = "abc.com,xyz.abc.com");'),
      'controller(userdata=00.00.00.02.00.00.00.00.00.01.de.10.00.00.00.63.0a.00.00.0d.77.0f.03.61.62.63.03.63.6f.6d.00.03.78.79.7a.c0.00,pause)');
  });

  it('encodes DHCPv6 options with 16-bit codes and lengths', function () {
    assert.equal(encodeText('reg0[3] = put_dhcpv6_opts(ia_addr = fd00::11, dns_server = {fd00::53}, server_id = 00:00:00:00:ff:01, domain_search = "ovn.org");'),
      'controller(userdata=00.00.00.05.00.00.00.00.00.01.de.10.00.00.00.63.00.05.00.10.fd.00.00.00.00.00.00.00.00.00.00.00.00.00.00.11.00.17.00.10.fd.00.00.00.00.00.00.00.00.00.00.00.00.00.00.53.00.02.00.06.00.00.00.00.ff.01.00.18.00.07.6f.76.6e.2e.6f.72.67,pause)');
  });

  it('refuses unknown options, values of the wrong kind and a missing offerip, with positions', function () {
    const fails = (text: string, message: RegExp, pos: number) => assert.throws(() => encodeText(text), (e: unknown) => e instanceof LflowError && message.test(e.message) && e.pos === pos);
    fails('reg0[3] = put_dhcp_opts(offerip = 10.0.0.1, nope = 1);', /expecting DHCPv4 option name/, 44);
    fails('reg0[3] = put_dhcp_opts(offerip = 10.0.0.1, mtu = "x");', /DHCPv4 option mtu requires numeric value/, 44);
    fails('reg0[3] = put_dhcp_opts(offerip = 10.0.0.1, hostname = 5);', /DHCPv4 option hostname requires string value/, 44);
    fails('reg0[3] = put_dhcp_opts(router = 10.0.0.1);', /requires offerip/, 0);
    fails('reg0[3] = put_dhcpv6_opts(ia_addr = "x");', /DHCPv6 option ia_addr requires numeric value/, 26);
  });
});
