// The prepared-flow cache may only ever change how fast flows are compiled, never which: a chassis
// recomputing with a cache carried across changing Southbound contents (and shared with other chassis)
// installs what a recompute without any cache installs.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { formatFlow } from '../../openflow';
import { ovnSymtab, type Symtab } from '../symtab';
import { compileChassisFlows } from './chassis-flows';
import type { ChassisIdentity, ChassisSb } from './chassis-sb';
import { flow, sampleSb, uuidLabel } from './chassis-sb.testdata';
import { idAllocator } from './context';
import { emittedVariantsPerEntryMax, entriesPerFlowMax, PreparedFlowCache, readsHold, recordingWorld, type PrepareRead } from './prepared-cache';

const symtab = ovnSymtab();
const allDps = ['dp-sw', 'dp-lr', 'dp-pub', 'dp-gw'];

/** Flows that read every kind of input a preparation can read, each on every datapath. */
const flows = [
  flow('pgas', allDps, 'inport == @pg && ip4.src == $as1', 'next;'),
  flow('rcr', allDps, 'is_chassis_resident("cr-lr-pub")', 'next;'),
  flow('ra', allDps, 'is_chassis_resident("a")', 'outport = "b"; output;'),
  flow('lb', allDps, 'ct.new && ip4.dst == 10.0.0.9 && tcp.dst == 80', 'ct_lb_mark(backends=10.0.0.1:80,10.0.0.2:80);'),
  flow('nat', allDps, 'ip4', 'ct_snat_in_czone(1.1.1.1);'),
  flow('smp', allDps, '1', 'sample(probability=65535, collector_set=5, obs_domain=1, obs_point=2); next;'),
  flow('fwd', allDps, '1', 'fwd_group(liveness="true", childports="a", "b");'),
  flow('conj', allDps, 'ip4.src == {10.0.0.1, 10.0.0.2} && tcp.dst == {80, 443}', 'next;'),
  flow('arp', allDps, 'arp.op == 1', 'arp { eth.dst = ff:ff:ff:ff:ff:ff; output; };', { controllerMeter: 'arp-meter' }),
  flow('mtr', allDps, 'ip4.dst == $as1', 'set_meter(100); next;'),
  flow('mc', allDps, 'outport == "_MC_flood"', 'next;'),
  flow('io', allDps, 'inport == "a" || inport == "lr-sw" || inport == "pub-lr"', 'next;'),
];

interface World {
  readonly sb: ChassisSb;
  readonly me: ChassisIdentity;
}

const chassisArb = fc.constantFrom<string | null>('hv1', 'hv2', 'hv3', null);
const worldArb: fc.Arbitrary<World> = fc.record({
  a: chassisArb,
  b: chassisArb,
  ha: fc.constantFrom(['hv2', 'hv1'], ['hv1', 'hv2'], ['hv1'], [] as string[]),
  pg: fc.subarray(['a', 'b', 'lp', 'pub-lr']),
  as1: fc.subarray(['10.0.0.1', '10.0.0.2', '192.168.0.0/16']),
  snatZone: fc.boolean(),
  me: fc.constantFrom('hv1', 'hv2', 'hv3'),
  ifaces: fc.subarray(['a', 'b', 'lp']),
  tunnels: fc.boolean(),
  collectors: fc.boolean(),
  activeTunnels: fc.constantFrom<string[] | undefined>(undefined, [], ['hv2'], ['hv1', 'hv2']),
}).map((w) => {
  const base = sampleSb(flows);
  const sb: ChassisSb = {
    ...base,
    datapaths: base.datapaths.map((d) => (d.uuid === 'dp-lr' && w.snatZone ? { ...d, externalIds: { ...d.externalIds, 'snat-ct-zone': '5' } } : d)),
    ports: base.ports.map((p) => {
      if (p.logicalPort === 'a') return { ...p, chassis: w.a };
      if (p.logicalPort === 'b') return { ...p, chassis: w.b };
      if (p.logicalPort === 'cr-lr-pub') return { ...p, haChassis: w.ha, haRefChassis: ['hv3'] };
      return p;
    }),
    addressSets: { as1: w.as1 },
    portGroups: { '1_pg': w.pg, '3_pg': w.pg },
  };
  const me: ChassisIdentity = {
    chassis: w.me,
    localIfaces: new Set(w.ifaces),
    ...(w.tunnels ? { tunnelOfports: new Map([['hv1', 7], ['hv2', 8], ['hv3', 9]]) } : {}),
    ...(w.collectors ? { collectorSetIds: new Set([5]) } : {}),
    ...(w.activeTunnels ? { activeTunnels: new Set(w.activeTunnels) } : {}),
  };
  return { sb, me };
});

/** A chassis' allocators, kept across its recomputes as ovn-controller keeps group and meter ids. */
function allocators() {
  return { groups: idAllocator(), meters: idAllocator() };
}

/** The flows as text, group and meter ids replaced by what they were allocated for (ids are the allocators' business). */
function flowText(w: World, a: ReturnType<typeof allocators>, cache?: PreparedFlowCache): string[] {
  const r = compileChassisFlows(w.sb, w.me, symtab, { groupId: a.groups.id, meterId: a.meters.id }, cache);
  const groupName = new Map([...a.groups.entries].map(([d, id]) => [String(id), d]));
  const meterName = new Map([...a.meters.entries].map(([d, id]) => [String(id), d]));
  return [
    ...r.flows.map((f) => `${uuidLabel(f.lflowUuid)}@${f.datapathKey} table=${f.flowMod.tableId} ${formatFlow(f.flowMod)}`
      .replace(/group:(\d+)/g, (_, id: string) => `group:{${groupName.get(id)}}`)
      .replace(/(meter_id=|meter:)(\d+)/g, (_, k: string, id: string) => `${k}{${meterName.get(id)}}`)),
    ...r.failures.map((f) => `failed ${uuidLabel(f.lflowUuid)}@${f.datapathKey}: ${f.error}`),
  ];
}

describe('lflow compile: the prepared-flow cache', () => {
  it('never changes what a chassis installs, across changing SB contents and chassis sharing one cache', () => {
    fc.assert(
      fc.property(fc.array(worldArb, { minLength: 2, maxLength: 6 }), (worlds) => {
        const cache = new PreparedFlowCache(symtab);
        const cachedAlloc = new Map<string, ReturnType<typeof allocators>>();
        const plainAlloc = new Map<string, ReturnType<typeof allocators>>();
        const of = (m: Map<string, ReturnType<typeof allocators>>, chassis: string) => {
          if (!m.has(chassis)) m.set(chassis, allocators());
          return m.get(chassis)!;
        };
        for (const [i, w] of worlds.entries()) {
          const cached = flowText(w, of(cachedAlloc, w.me.chassis), cache);
          const plain = flowText(w, of(plainAlloc, w.me.chassis));
          assert.deepEqual(cached, plain, `world ${i} (chassis ${w.me.chassis})`);
          if (i % 2 === 1) cache.sweep();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reuses a flow wherever its reads hold: across datapaths, recomputes and chassis', () => {
    const cache = new PreparedFlowCache(symtab);
    const sb = sampleSb([flow('n', allDps, 'ip4', 'next;'), flow('r', allDps, 'is_chassis_resident("a")', 'next;')]);
    const run = (chassis: string, ifaces: string[]) => compileChassisFlows(sb, { chassis, localIfaces: new Set(ifaces) }, symtab,
      { groupId: idAllocator().id, meterId: idAllocator().id }, cache);
    const first = run('hv1', ['a']);
    // n: once for the switches, once for the routers; r likewise, is_chassis_resident("a") true on both.
    assert.equal(first.preparedPairCount, 4);
    assert.equal(run('hv1', ['a']).preparedPairCount, 0, 'a second recompute prepares nothing');
    // hv2: "a" is not resident there, so r is prepared again (twice: switch and router); n is not.
    assert.equal(run('hv2', ['b']).preparedPairCount, 2);
    assert.equal(run('hv2', ['b']).preparedPairCount, 0);
    const stats = cache.stats();
    assert.equal(stats.flows, 2);
    assert.equal(stats.entries, 6);
  });

  it('gives chassis that install a flow alike the very same flow objects, and others their own', () => {
    const cache = new PreparedFlowCache(symtab);
    // sw has VIFs a (hv1) and b (hv2): "outport == ..." flows are kept only where the port is related.
    const sb = sampleSb([flow('all', ['dp-sw'], 'ip4', 'next;'), flow('out', ['dp-sw'], 'outport == {"a", "b"}', 'next;', { pipeline: 'egress' })]);
    const run = (chassis: string, ifaces: string[]) => compileChassisFlows(sb, { chassis, localIfaces: new Set(ifaces) }, symtab,
      { groupId: idAllocator().id, meterId: idAllocator().id }, cache);
    const hv1 = run('hv1', ['a']);
    const hv1Again = run('hv1', ['a']);
    const hv2 = run('hv2', ['b']);
    const of = (r: typeof hv1, label: string) => r.flows.filter((f) => uuidLabel(f.lflowUuid) === label);
    assert.deepEqual(hv1Again.flows, hv1.flows);
    assert.ok(hv1Again.flows.every((f, i) => f === hv1.flows[i]), 'a second recompute hands out the same objects');
    assert.equal(of(hv2, 'all')[0], of(hv1, 'all')[0], 'the flow both chassis install alike is one object');
    assert.notEqual(of(hv2, 'out')[0], of(hv1, 'out')[0], 'outport a is related on hv1, b on hv2: each has its own');
    assert.match(formatFlow(of(hv1, 'out')[0]!.flowMod), /reg15=0x1,/);
    assert.match(formatFlow(of(hv2, 'out')[0]!.flowMod), /reg15=0x2,/);
    // Even the chassis' own flows hold match entries shared by content (metadata=0x1 here).
    const metadataOf = (r: typeof hv1) => of(r, 'out')[0]!.flowMod.match.find((e) => e.field.name === 'metadata');
    assert.ok(metadataOf(hv1) !== undefined && metadataOf(hv1) === metadataOf(hv2));
    assert.equal(hv2.skippedNonLocalCount, 1);
    assert.equal(run('hv2', ['b']).skippedNonLocalCount, 1, 'counted again when the emitted flows are reused');
  });

  it('records each read with its value and holds only while every value is the same', () => {
    const ports = new Map([['a', 1], ['b', 2]]);
    const world = () => ({
      ctx: {
        symtab, lookupPort: (n: string) => ports.get(n), isChassisResident: (n: string) => n === 'a', isSwitch: true,
        groupId: () => 1, meterId: () => 2,
      },
      names: { addressSet: () => ['10.0.0.1'], portGroup: (n: string) => (n === 'pg' ? ['a'] : undefined) },
      datapathKey: 3,
    });
    const reads: PrepareRead[] = [];
    const r = recordingWorld(world(), reads);
    r.ctx.lookupPort('a');
    r.ctx.isChassisResident('b');
    r.names.portGroup('pg');
    r.names.addressSet('as');
    r.ctx.groupId('g');
    r.datapathKey();
    assert.deepEqual(reads.map((x) => x.kind), ['port', 'resident', 'portGroup', 'addressSet', 'group', 'datapathKey']);
    assert.ok(readsHold(reads, world()));
    ports.set('a', 9);
    assert.ok(!readsHold(reads, world()), 'a port key changed');
    ports.set('a', 1);
    assert.ok(!readsHold(reads, { ...world(), datapathKey: 4 }), 'another datapath key');
    assert.ok(!readsHold(reads, { ...world(), names: { ...world().names, portGroup: () => ['a', 'b'] } }), 'port group grew');
  });

  it('keeps at most entriesPerFlowMax variants of a flow, and sweeps flows no recompute used', () => {
    const row = (uuid: string, match = '1') => ({ uuid, pipeline: 'ingress', tableId: 0, match, actions: 'next;' });
    const cache = new PreparedFlowCache(symtab);
    const prepared = { matches: [], actions: [] };
    for (let i = 0; i < entriesPerFlowMax + 5; i++) cache.store(row('f'), `env${i}`, [], prepared, 1);
    assert.equal(cache.stats().entries, entriesPerFlowMax);
    cache.store(row('g'), 'e', [], prepared, 1);
    cache.sweep();
    assert.equal(cache.stats().flows, 2, 'both stored since the last sweep');
    const w = { ctx: { symtab, lookupPort: () => undefined, isChassisResident: () => false, isSwitch: true, groupId: () => 1, meterId: () => 1 },
      names: { addressSet: () => undefined, portGroup: () => undefined }, datapathKey: 1 };
    assert.ok(cache.lookup(row('g'), 'e', w));
    cache.sweep();
    assert.equal(cache.stats().flows, 1, 'f was not used since the last sweep');
    assert.equal(cache.lookup(row('g', '0'), 'e', w), undefined, 'the row changed: its old preparations do not apply');
    const entry = cache.store(row('h'), 'e', [], prepared, 1);
    for (let i = 0; i < emittedVariantsPerEntryMax; i++) cache.emitted(entry, `dp${i}`, () => true, () => ({ flows: [], maxConjId: 0 }));
    assert.equal(entry.emittedCount, emittedVariantsPerEntryMax);
    cache.emitted(entry, 'one more', () => true, () => ({ flows: [], maxConjId: 0 }));
    assert.equal(entry.emittedCount, 1, 'full: the old variants were dropped');
    const otherTable = new PreparedFlowCache(Object.create(symtab) as Symtab);
    assert.throws(() => compileChassisFlows(sampleSb([]), { chassis: 'hv1', localIfaces: new Set() }, symtab,
      { groupId: () => 1, meterId: () => 1 }, otherTable), /another symbol table/);
  });
});
