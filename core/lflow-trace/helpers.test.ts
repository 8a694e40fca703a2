import { strict as assert } from 'node:assert';
import { ovnSymtab } from '../lflow/symtab';
import { formatCtState, inPortSecViolated, linkLocal, outPortSecViolated, parseCtFlags, parseLbDst } from './helpers';
import { appendNode, printDetailed, printSummary, pruneMinimal, pruneSummary, type TraceNode } from './nodes';
import { TracePacket } from './packet';
import { parseMicroflow } from './microflow';

describe('lflow-trace helpers', () => {
  it('parses --ct flags (trk implied) and prints ct_state like OVS', () => {
    assert.equal(parseCtFlags('new'), 0x21n);
    assert.equal(parseCtFlags('est,rpl'), 0x2an);
    assert.equal(formatCtState(0x22n), 'est|trk');
    assert.equal(formatCtState(0xa1n), 'new|trk|dnat');
    assert.throws(() => parseCtFlags('bogus'), /unknown connection tracking flag "bogus"/);
  });

  it('parses --lb-dst for IPv4 and IPv6 with and without a port', () => {
    assert.deepEqual(parseLbDst('10.0.0.5:8080'), { family: 4, ip: 0x0a000005n, port: 8080 });
    assert.deepEqual(parseLbDst('10.0.0.5'), { family: 4, ip: 0x0a000005n, port: 0 });
    assert.equal(parseLbDst('[aef0::5]:80').family, 6);
    assert.equal(parseLbDst('aef0::5').port, 0);
    assert.throws(() => parseLbDst('10.0.0.5:99999'), /port/);
    assert.throws(() => parseLbDst('nonsense'), /IP\[:PORT\]/);
  });

  it('computes the EUI-64 link-local address', () => {
    assert.equal(linkLocal(0x505400000001n).toString(16), 'fe80000000000000525400fffe000001');
  });

  it('checks port security like check_in_port_sec / check_out_port_sec', () => {
    const st = ovnSymtab();
    const pkt = (mf: string) => parseMicroflow(mf, st).packet;
    const ps = ['50:54:00:00:00:01 10.0.0.3'];
    assert.equal(inPortSecViolated(pkt('eth.src == 50:54:00:00:00:01 && ip4.src == 10.0.0.3'), ps), false);
    assert.equal(inPortSecViolated(pkt('eth.src == 50:54:00:00:00:01 && ip4.src == 10.0.0.9'), ps), true);
    assert.equal(inPortSecViolated(pkt('eth.src == 50:54:00:00:00:09 && ip4.src == 10.0.0.3'), ps), true);
    assert.equal(inPortSecViolated(pkt('eth.src == 50:54:00:00:00:01 && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && udp.src == 68 && udp.dst == 67'), ps), false, 'DHCP discover is allowed');
    assert.equal(inPortSecViolated(pkt('eth.src == 50:54:00:00:00:01 && arp.sha == 50:54:00:00:00:01 && arp.spa == 10.0.0.3'), ps), false);
    assert.equal(inPortSecViolated(pkt('eth.src == 50:54:00:00:00:09'), []), false, 'no port security: nothing violates');
    assert.equal(outPortSecViolated(pkt('eth.dst == 50:54:00:00:00:01 && ip4.dst == 10.0.0.3'), ps), false);
    assert.equal(outPortSecViolated(pkt('eth.dst == 50:54:00:00:00:01 && ip4.dst == 10.0.0.7'), ps), true);
    assert.equal(outPortSecViolated(pkt('eth.dst == 50:54:00:00:00:01 && ip4.dst == 224.0.0.5'), ps), false, 'multicast passes');
  });

  it('mirrors writes across logical fields that share an OVS field', () => {
    const p = new TracePacket(ovnSymtab());
    p.set('ip4.src', 0x01020304n);
    assert.equal(p.get('arp.spa'), 0x01020304n);
    p.set('tcp.dst', 80n);
    assert.equal(p.get('udp.dst'), 80n);
    p.set('reg0', 5n);
    assert.equal(p.get('xxreg0') >> 96n, 5n);
    p.clearRegisters();
    assert.equal(p.get('reg0'), 0n);
    assert.equal(p.get('ip4.src'), 0x01020304n, 'clearing registers leaves packet fields');
  });
});

describe('lflow-trace output forms', () => {
  function tree(): TraceNode[] {
    const root: TraceNode[] = [];
    const ing = appendNode(root, 'pipeline', 'ingress(dp="sw", inport="a")');
    const t0 = appendNode(ing.subs, 'table', ' 0. s0: 1, priority 1, uuid 00000001');
    appendNode(t0.subs, 'action', 'eth.dst = 00:00:00:00:00:01;');
    appendNode(t0.subs, 'modify', 'eth.dst = 00:00:00:00:00:01');
    appendNode(t0.subs, 'action', 'next;');
    const t1 = appendNode(t0.subs, 'table', ' 1. s1: 1, priority 1, uuid 00000002');
    appendNode(t1.subs, 'action', 'output;');
    appendNode(t1.subs, 'modify', 'output("b")');
    return root;
  }

  it('--detailed underlines titles, hides modifications and does not indent tail calls', () => {
    assert.deepEqual(printDetailed(tree()), [
      '',
      'ingress(dp="sw", inport="a")',
      '----------------------------',
      ' 0. s0: 1, priority 1, uuid 00000001',
      '    eth.dst = 00:00:00:00:00:01;',
      '    next;',
      ' 1. s1: 1, priority 1, uuid 00000002',
      '    output;',
    ]);
  });

  it('--summary nests braces without tables; --minimal keeps only packet changes and outputs', () => {
    assert.deepEqual(printSummary(pruneSummary(tree())), ['ingress(dp="sw", inport="a") {', '    eth.dst = 00:00:00:00:00:01;', '    next;', '    output;', '};']);
    assert.deepEqual(printSummary(pruneMinimal(tree())), ['eth.dst = 00:00:00:00:00:01;', 'output("b");']);
  });
});
