import { strict as assert } from 'node:assert';
import { ovnSymtab } from '../lflow/symtab';
import { buildTraceDb, parseMicroflow, runTrace, TraceError, type SbData, type SbFlow } from './index';

const sw = 'dp-sw';
const lr = 'dp-lr';
let n = 0;
function flow(dp: string, pipeline: 'ingress' | 'egress', tableId: number, priority: number, match: string, actions: string, stage = ''): SbFlow {
  n++;
  return { uuid: `${String(n).padStart(8, '0')}-0000-0000-0000-000000000000`, datapaths: [dp], pipeline, tableId, priority, match, actions, externalIds: stage ? { 'stage-name': stage } : {} };
}

/** A switch with two VMs and a router port, a router with one route back; flood via _MC_flood. */
function data(): SbData {
  n = 0;
  return {
    datapaths: [
      { uuid: sw, tunnelKey: 1, externalIds: { name: 'sw' } },
      { uuid: lr, tunnelKey: 2, externalIds: { name: 'lr' } },
    ],
    ports: [
      { uuid: 'p1', logicalPort: 'vm1', datapath: sw, tunnelKey: 1, type: '', options: {}, externalIds: {}, portSecurity: [] },
      { uuid: 'p2', logicalPort: 'vm2', datapath: sw, tunnelKey: 2, type: '', options: {}, externalIds: {}, portSecurity: [] },
      { uuid: 'p3', logicalPort: 'sw-lr', datapath: sw, tunnelKey: 3, type: 'patch', options: { peer: 'lr-sw' }, externalIds: {}, portSecurity: [] },
      { uuid: 'p4', logicalPort: 'lr-sw', datapath: lr, tunnelKey: 1, type: 'patch', options: { peer: 'sw-lr' }, externalIds: {}, portSecurity: [] },
    ],
    mcGroups: [{ datapath: sw, name: '_MC_flood', tunnelKey: 32768, ports: ['p2', 'p1', 'p3'] }],
    flows: [
      flow(sw, 'ingress', 0, 100, 'eth.src[40]', 'drop;', 'in_ps'),
      flow(sw, 'ingress', 0, 50, '1', 'next;', 'in_ps'),
      flow(sw, 'ingress', 1, 0, '1', 'next;', 'in_trivial'),
      flow(sw, 'ingress', 2, 100, 'ip4 && tcp.dst == 22', 'ct_next;', 'in_ct'),
      flow(sw, 'ingress', 2, 0, '1', 'next;', 'in_ct'),
      flow(sw, 'ingress', 3, 100, 'ct.new && tcp.dst == 22', 'drop;', 'in_acl'),
      flow(sw, 'ingress', 3, 0, '1', 'next;', 'in_acl'),
      flow(sw, 'ingress', 4, 100, 'eth.mcast', 'outport = "_MC_flood"; output;', 'in_l2'),
      flow(sw, 'ingress', 4, 50, 'eth.dst == 00:00:00:00:00:02', 'outport = "vm2"; output;', 'in_l2'),
      flow(sw, 'ingress', 4, 50, 'eth.dst == 00:00:00:00:ff:01', 'outport = "sw-lr"; output;', 'in_l2'),
      flow(sw, 'egress', 0, 0, '1', 'output;', 'out'),
      flow(lr, 'ingress', 0, 50, 'ip4.dst == 10.0.0.2', 'ip.ttl--; eth.src = 00:00:00:00:ff:01; outport = "lr-sw"; flags.loopback = 1; get_arp(outport, ip4.dst); next;', 'lr_route'),
      flow(lr, 'ingress', 1, 0, '1', 'output;', 'lr_out'),
      flow(lr, 'egress', 0, 0, '1', 'output;', 'lr_deliver'),
    ],
    macBindings: [{ datapath: lr, logicalPort: 'lr-sw', ip: '10.0.0.2', mac: '00:00:00:00:00:02' }],
    addressSets: {},
    portGroups: {},
    lbVips: [],
  };
}

function trace(flowText: string, formats: ('detailed' | 'summary' | 'minimal')[] = ['minimal'], ctStates: bigint[] = []): string {
  const db = buildTraceDb(data(), ovnSymtab(), true);
  assert.deepEqual(db.warnings, []);
  const text = runTrace(db, { datapath: null, microflow: flowText, formats, ctStates, lbDst: null }).text;
  return text.split('\n').slice(1).join('\n');
}

describe('lflow-trace walker (hand-made flows)', () => {
  it('outputs a unicast packet to its port, skipping trivial tables in the detailed form', () => {
    const f = 'inport == "vm1" && eth.src == 00:00:00:00:00:01 && eth.dst == 00:00:00:00:00:02';
    assert.equal(trace(f), 'output("vm2");\n');
    const detailed = trace(f, ['detailed']);
    assert.match(detailed, / 4\. in_l2: eth.dst == 00:00:00:00:00:02, priority 50, uuid 00000009/);
    assert.doesNotMatch(detailed, /in_trivial|in_ps/, 'match 1 with only next; is left out');
    assert.match(detailed, /egress\(dp="sw", inport="vm1", outport="vm2"\)/);
  });

  it('floods a broadcast to every group member but the inport', () => {
    const out = trace('inport == "vm1" && eth.src == 00:00:00:00:00:01 && eth.dst == ff:ff:ff:ff:ff:ff', ['detailed']);
    assert.match(out, /multicast\(dp="sw", mcgroup="_MC_flood"\)/);
    assert.match(out, /omitting output because inport == outport/);
    assert.match(out, /output to "vm2"/);
    assert.match(out, /ingress\(dp="lr", inport="lr-sw"\)/, 'the patch port leads into the router');
  });

  it('drops on a matching drop flow and on no match', () => {
    assert.equal(trace('inport == "vm1" && eth.src == 01:00:00:00:00:01 && eth.dst == 00:00:00:00:00:02'), '');
    assert.match(trace('inport == "vm1" && eth.src == 01:00:00:00:00:01 && eth.dst == 00:00:00:00:00:02', ['detailed']), /in_ps: eth.src\[40\], priority 100.*\n\s+drop;/);
  });

  it('ct_next reports est|trk by default and the --ct states in order', () => {
    const f = 'inport == "vm1" && eth.src == 00:00:00:00:00:01 && eth.dst == 00:00:00:00:00:02 && ip4.src == 10.0.0.1 && ip4.dst == 10.0.0.2 && tcp.dst == 22';
    assert.equal(trace(f), 'ct_next(ct_state=est|trk /* default (use --ct to customize) */) {\n    output("vm2");\n};\n');
    assert.equal(trace(f, ['minimal'], [0x21n]), 'ct_next(ct_state=new|trk);\n', 'ct.new hits the drop ACL');
  });

  it('routes through the patch port: ttl, eth.src and a MAC binding lookup', () => {
    const f = 'inport == "vm1" && eth.src == 00:00:00:00:00:01 && eth.dst == 00:00:00:00:ff:01 && ip4.src == 10.0.0.1 && ip4.dst == 10.0.0.2 && ip.ttl == 64 && udp.dst == 53';
    assert.equal(trace(f), 'ip.ttl--;\neth.src = 00:00:00:00:ff:01;\neth.dst = 00:00:00:00:00:02;\noutput("vm2");\n');
    const summary = trace(f, ['summary']);
    assert.match(summary, /\/\* MAC binding to 00:00:00:00:00:02\. \*\//);
    const unrouted = trace(f.replace('ip4.dst == 10.0.0.2', 'ip4.dst == 10.0.0.7'), ['detailed']);
    assert.match(unrouted, / 0\. lr_route: no match \(implicit drop\)/);
  });

  it('solves prerequisites in the microflow and rejects contradictions with a position', () => {
    const p = parseMicroflow('tcp.dst == 80 && ip4', ovnSymtab());
    assert.equal(p.packet.get('eth.type'), 0x800n);
    assert.equal(p.packet.get('ip.proto'), 6n);
    assert.throws(() => parseMicroflow('ip4 && ip6', ovnSymtab()), /contradictory/);
    assert.throws(() => parseMicroflow('tcp.dst == 80 && udp.dst == 53', ovnSymtab()), /contradictory|ambiguous/);
    assert.throws(() => parseMicroflow('ip4.src == 1.2.3.4 &&', ovnSymtab()), (e: Error & { pos?: number }) => e.pos === 21);
  });

  it('reports an unknown port, datapath or microflow syntax error as a TraceError', () => {
    const db = buildTraceDb(data(), ovnSymtab(), true);
    const run = (dp: string | null, mf: string) => () => runTrace(db, { datapath: dp, microflow: mf, formats: ['minimal'], ctStates: [], lbDst: null });
    assert.throws(run(null, 'inport == "nope"'), TraceError);
    assert.throws(run('nodp', 'inport == "vm1"'), /unknown datapath/);
    assert.throws(run('sw', 'inport == "vm1" && eth.src =='), (e: Error) => e instanceof TraceError && /position/.test(e.message));
  });
});

describe('lflow-trace stateful actions and gateway ports (hand-made flows)', () => {
  function lbData(): SbData {
    const d = data();
    return {
      ...d,
      ports: [
        ...d.ports,
        { uuid: 'p5', logicalPort: 'cr-lr-sw', datapath: lr, tunnelKey: 5, type: 'chassisredirect', options: { 'distributed-port': 'lr-sw' }, externalIds: {}, portSecurity: [] },
      ],
      flows: [
        flow(sw, 'ingress', 0, 100, 'ip4.dst == 30.0.0.1 && tcp.dst == 80', 'ct_lb_mark(backends=10.0.0.2:8080,10.0.0.3:8080);', 'lb'),
        flow(sw, 'ingress', 0, 0, '1', 'next;', 'lb'),
        flow(sw, 'ingress', 1, 100, 'ct.dnat && ip4.dst == 10.0.0.3 && tcp.dst == 8080', 'outport = "vm2"; output;', 'fwd'),
        flow(sw, 'ingress', 1, 50, 'ip4.dst == 40.0.0.1', 'clone { outport = "vm2"; output; }; outport = "vm1"; flags.loopback = 1; output;', 'fwd'),
        flow(sw, 'ingress', 1, 10, 'ip4.dst == 50.0.0.1', 'outport = "sw-lr"; output;', 'fwd'),
        flow(sw, 'egress', 0, 0, '1', 'output;', 'out'),
        flow(lr, 'ingress', 0, 0, '1', 'outport = "cr-lr-sw"; ct_snat;', 'gw'),
        flow(lr, 'ingress', 1, 0, '1', 'flags.loopback = 1; output;', 'gw2'),
        flow(lr, 'egress', 0, 0, '1', 'drop;', 'gw_out'),
      ],
    };
  }
  const base = 'inport == "vm1" && eth.src == 00:00:00:00:00:01 && eth.dst == 00:00:00:00:00:02 && ip4.src == 10.0.0.1 && ip.ttl == 64';
  function run(mf: string, lbDst: string | null): string {
    const db = buildTraceDb(lbData(), ovnSymtab(), true);
    const lb = lbDst === null ? null : { family: 4 as const, ip: BigInt(lbDst), port: 0 };
    return runTrace(db, { datapath: 'sw', microflow: mf, formats: ['minimal'], ctStates: [], lbDst: lb }).text.split('\n').slice(1).join('\n');
  }

  it('ct_lb_mark takes the --lb-dst backend, rewrites the destination and sets ct.dnat', () => {
    const out = run(`${base} && ip4.dst == 30.0.0.1 && tcp.dst == 80`, '0x0a000003');
    assert.equal(out, 'ct_lb_mark /* default (use --ct to customize) */ {\n    output("vm2");\n};\n');
    // Without --lb-dst the first backend (10.0.0.2) is taken, which the forwarding table does not send on.
    assert.equal(run(`${base} && ip4.dst == 30.0.0.1 && tcp.dst == 80`, null), 'ct_lb_mark /* default (use --ct to customize) */;\n');
  });

  it('clone { } runs on a copy; the original continues after it', () => {
    const out = run(`${base} && ip4.dst == 40.0.0.1 && udp.dst == 53`, null);
    assert.equal(out, 'clone {\n    output("vm2");\n};\noutput("vm1");\n');
  });

  it('output to a chassisredirect port goes to its distributed port; ct_snat; is a fork on a distributed router', () => {
    const db = buildTraceDb(lbData(), ovnSymtab(), true);
    const text = runTrace(db, { datapath: 'sw', microflow: `${base} && ip4.dst == 50.0.0.1 && udp.dst == 53`, formats: ['detailed'], ctStates: [], lbDst: null }).text;
    assert.match(text, /Replacing type "chassisredirect" outport "cr-lr-sw" with distributed port "lr-sw"/);
    assert.match(text, /ct_snat \/\* assuming no un-snat entry, so no change \*\/ \/\* default \(use --ct to customize\) \*\//);
    assert.match(text, /egress\(dp="lr", inport="lr-sw", outport="lr-sw"\)/);
  });

  it('prints UUIDs for datapaths with --no-friendly-names', () => {
    const db = buildTraceDb(data(), ovnSymtab(), false);
    const text = runTrace(db, { datapath: 'sw', microflow: 'inport == "vm1" && eth.src == 00:00:00:00:00:01 && eth.dst == 00:00:00:00:00:02', formats: ['detailed'], ctStates: [], lbDst: null }).text;
    assert.match(text, /ingress\(dp="dp-sw", inport="vm1"\)/);
    assert.match(text.split('\n')[0]!, /^# reg14=0x1,vlan_tci=0x0000,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,dl_type=0x0000$/);
  });
});
