import { strict as assert } from 'node:assert';
import { formatFlow } from '../../openflow';
import { ovnSymtab } from '../symtab';
import { compileChassisFlows } from './chassis-flows';
import { flow, sampleSb, uuidLabel } from './chassis-sb.testdata';
import { idAllocator } from './context';

const symtab = ovnSymtab();

function compile(flows: Parameters<typeof sampleSb>[0], chassis = 'hv1', ifaces = ['a'], extra: { tunnelOfports?: Map<string, number>; collectorSetIds?: Set<number> } = {}) {
  const groups = idAllocator();
  const r = compileChassisFlows(sampleSb(flows), { chassis, localIfaces: new Set(ifaces), ...extra }, symtab, { groupId: groups.id, meterId: idAllocator().id });
  return { ...r, groups: [...groups.entries.keys()], text: r.flows.map((f) => `${uuidLabel(f.lflowUuid)}@${f.datapathKey} table=${f.flowMod.tableId} ${formatFlow(f.flowMod)}`) };
}

describe('lflow compile: a chassis full recompute (compileChassisFlows)', () => {
  it('compiles each flow once per local datapath of its group, with that datapath\'s metadata', () => {
    const r = compile([flow('f1', ['dp-sw', 'dp-pub', 'dp-gw'], '1', 'next;')]);
    assert.deepEqual(r.text, [
      'f1@1 table=8 priority=100,metadata=0x1 actions=resubmit(,9)',
      'f1@3 table=8 priority=100,metadata=0x3 actions=resubmit(,9)',
    ]);
  });

  it('skips a flow tagged in_out_port with a port that is not related here', () => {
    const r = compile([
      flow('f1', ['dp-sw'], 'inport == "a"', 'next;', { tags: { in_out_port: 'a' } }),
      flow('f2', ['dp-sw'], 'inport == "b"', 'next;', { tags: { in_out_port: 'b' } }),
      flow('f3', ['dp-sw'], '1', 'next;', { tags: { in_out_port: 'nosuchport' } }),
    ]);
    assert.deepEqual(r.text.map((t) => t.split('@')[0]), ['f1']);
  });

  it('on a switch, drops OpenFlow flows whose inport (ingress) or outport (egress) is not related here', () => {
    const r = compile([
      flow('f1', ['dp-sw'], 'inport == {"a", "b"}', 'next;'),
      flow('f2', ['dp-sw'], 'outport == {"a", "b"}', 'next;', { pipeline: 'egress' }),
    ]);
    assert.deepEqual(r.text, [
      'f1@1 table=8 priority=100,reg14=0x1,metadata=0x1 actions=resubmit(,9)',
      'f2@1 table=42 priority=100,reg15=0x1,metadata=0x1 actions=resubmit(,43)',
    ]);
    assert.equal(r.skippedNonLocalCount, 2);
  });

  it('resolves port groups per datapath with local members only, multicast groups by name, "none" as 0', () => {
    const r = compile([
      flow('f1', ['dp-sw'], 'inport == @pg', 'outport = "_MC_flood"; output;'),
      flow('f2', ['dp-sw'], 'outport == "none"', 'next;'),
    ]);
    assert.deepEqual(r.text, [
      'f1@1 table=8 priority=100,reg14=0x1,metadata=0x1 actions=set_field:0x8000->reg15,resubmit(,37)',
      'f2@1 table=8 priority=100,reg15=0,metadata=0x1 actions=resubmit(,9)',
    ]);
  });

  it('decides is_chassis_resident() for this chassis (a chassisredirect port: its active HA member)', () => {
    const flows = [flow('f1', ['dp-lr'], 'is_chassis_resident("cr-lr-pub")', 'next;'), flow('f2', ['dp-sw'], 'is_chassis_resident("a")', 'next;')];
    assert.deepEqual(compile(flows, 'hv1', ['a']).text.map((t) => t.split(' ')[0]), ['f2@1']);
    assert.deepEqual(compile(flows, 'hv2', ['b']).text.map((t) => t.split(' ')[0]), ['f1@2']);
  });

  it('reports a flow that does not compile and goes on with the others', () => {
    const r = compile([flow('bad', ['dp-sw'], 'ip4.nosuch == 1', 'next;'), flow('ok', ['dp-sw'], '1', 'next;')]);
    assert.equal(r.flows.length, 1);
    assert.equal(r.failures.length, 1);
    assert.match(r.failures[0]!.error, /nosuch/);
  });

  it('gives conjunctive matches of different flows distinct conjunction ids', () => {
    const m = 'ip4.src == {10.0.0.1, 10.0.0.2} && tcp.dst == {80, 443}';
    const r = compile([flow('c1', ['dp-sw'], m, 'next;'), flow('c2', ['dp-sw'], m, 'drop;', { priority: 90 })]);
    const ids = new Set(r.text.flatMap((t) => [...t.matchAll(/conj_id=(\d+)/g)].map((x) => x[1])));
    assert.equal(ids.size, 2, r.text.join('\n'));
  });

  it('watches the tunnel to a child port\'s chassis for fwd_group liveness, and samples only to known collector sets', () => {
    const fwd = [flow('fg', ['dp-sw'], '1', 'fwd_group(liveness="true", childports="a", "b");')];
    assert.equal(compile(fwd).text.length, 1);
    assert.deepEqual(compile(fwd).groups, [], 'no tunnel known: upstream drops the action');
    const g = compile(fwd, 'hv1', ['a'], { tunnelOfports: new Map([['hv1', 7], ['hv2', 9]]) }).groups;
    assert.equal(g.length, 1);
    assert.match(g[0]!, /watch_port:7/);
    assert.match(g[0]!, /watch_port:9/);
    const sample = [flow('sm', ['dp-sw'], '1', 'sample(probability=65535, collector_set=5, obs_domain=1, obs_point=2); next;')];
    assert.doesNotMatch(compile(sample).text[0]!, /sample\(/);
    assert.match(compile(sample, 'hv1', ['a'], { collectorSetIds: new Set([5]) }).text[0]!, /sample\(probability=65535,collector_set_id=5/);
  });

  it('prepares a datapath group\'s flow once per kind of datapath, yet installs what compiling each datapath alone does', () => {
    // Each case: grouped over a switch, a router and another switch, vs the same flow listed once per datapath.
    const cases: Array<[string, string]> = [
      ['ip4.src == {10.0.0.1, 10.0.0.2} && tcp.dst == {80, 443}', 'next;'],
      ['ip4', 'ct_next;'],
      ['ct.new && ip4.dst == 10.0.0.9 && tcp.dst == 80', 'ct_lb_mark(backends=10.0.0.1:80,10.0.0.2:80);'],
      ['ip4', 'ct_dnat_in_czone(10.0.0.1);'],
      ['1', 'outport = "_MC_flood"; output;'],
      ['inport == @pg', 'next;'],
      ['1', 'sample(probability=65535, collector_set=5, obs_domain=1, obs_point=2); next;'],
      ['inport == "a" || inport == "lr-sw"', 'next;'],
    ];
    const dps = ['dp-sw', 'dp-lr', 'dp-pub'];
    for (const [match, actions] of cases) {
      const grouped = [flow('g1', dps, match, actions), flow('g2', dps, match, actions, { priority: 90 })];
      const split = grouped.flatMap((f) => dps.map((d) => ({ ...f, datapaths: [d] })));
      const a = compile(grouped, 'hv1', ['a'], { collectorSetIds: new Set([5]) });
      const b = compile(split, 'hv1', ['a'], { collectorSetIds: new Set([5]) });
      assert.deepEqual(a.text, b.text, `${match} / ${actions}`);
      assert.deepEqual(a.groups, b.groups);
      // (Ports and port groups named in a match are not on the second switch: nothing there.)
      if (!/[@"]/.test(match)) assert.ok(a.text.some((t) => t.includes('metadata=0x3')), `${match}: compiled on the second switch too`);
    }
    const shared = compile([flow('n', dps, 'ip4', 'next;'), flow('p', dps, 'inport == "a"', 'next;')]);
    assert.deepEqual([shared.compiledPairCount, shared.preparedPairCount], [6, 5], 'n: once per switch/router kind; p: per datapath');
    const sampled = compile([flow('s', dps, '1', 'sample(probability=65535, collector_set=5, obs_domain=1, obs_point=2); next;')], 'hv1', ['a'], { collectorSetIds: new Set([5]) });
    assert.deepEqual(sampled.text.map((t) => /obs_domain_id=(\d+)/.exec(t)?.[1]), [String((1 << 24) | 1), String((1 << 24) | 2), String((1 << 24) | 3)]);
  });
});
