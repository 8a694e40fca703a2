import { strict as assert } from 'node:assert';
import { chassisLocality, haActiveHere, localDatapathDepthMax } from './chassis-locality';
import { orderHaMembers, type ChassisSb, type ChassisSbPort } from './chassis-sb';
import { sampleSb } from './chassis-sb.testdata';

const hv = (chassis: string, ifaces: string[] = []) => ({ chassis, localIfaces: new Set(ifaces) });

describe('lflow compile: chassis locality (ovn-controller binding and local datapaths)', () => {
  it('a bound VIF makes its switch local, and patch peers follow (the DGP without always-redirect too)', () => {
    const l = chassisLocality(sampleSb(), hv('hv1', ['a', 'lp']));
    assert.deepEqual([...l.localDatapaths].sort(), ['dp-lr', 'dp-pub', 'dp-sw']);
    // gw is reached only through an l3gateway port bound to hv3.
    assert.ok(!l.localDatapaths.has('dp-gw'));
  });

  it('with always-redirect, the gateway side is local only where the chassisredirect port may be', () => {
    assert.ok(chassisLocality(sampleSb([], true), hv('hv1', ['a'])).localDatapaths.has('dp-pub'), 'hv1 is in the HA group');
    const sb: ChassisSb = { ...sampleSb([], true), ports: sampleSb([], true).ports.map((p) => (p.logicalPort === 'cr-lr-pub' ? { ...p, haChassis: ['hv2'] } : p)) };
    assert.ok(!chassisLocality(sb, hv('hv1', ['a'])).localDatapaths.has('dp-pub'));
  });

  it('related ports: bound VIFs, localports with an interface here, every patch and localnet port; not remote VIFs', () => {
    const l = chassisLocality(sampleSb(), hv('hv1', ['a', 'lp']));
    for (const k of ['1_1', '1_3', '1_4', '2_1', '2_2', '3_1', '3_2', '2_3']) assert.ok(l.relatedLportKeys.has(k), k);
    assert.ok(!l.relatedLportKeys.has('1_2'), 'b is bound on hv2');
    assert.ok(!chassisLocality(sampleSb(), hv('hv1', ['a'])).relatedLportKeys.has('1_3'), 'no lp interface here');
  });

  it('a chassis with nothing bound has no local datapaths; an HA member does, and the active one owns the port', () => {
    assert.equal(chassisLocality(sampleSb(), hv('hv9')).localDatapaths.size, 0);
    const l2 = chassisLocality(sampleSb(), hv('hv2', ['b']));
    assert.ok(l2.localLportNames.has('cr-lr-pub'), 'hv2 is the highest-priority member');
    const cr = sampleSb().ports.find((p) => p.logicalPort === 'cr-lr-pub')!;
    assert.ok(haActiveHere(cr, hv('hv2')) && !haActiveHere(cr, hv('hv1')));
    assert.ok(!chassisLocality(sampleSb(), hv('hv1', ['a'])).localLportNames.has('cr-lr-pub'));
  });

  it('picks the active HA member as upstream ha_chassis_group_is_active does, with BFD sessions (active tunnels)', () => {
    const cr = (members: string[], refChassis: string[] = []): ChassisSbPort => ({
      uuid: 'p', logicalPort: 'cr', datapath: 'd', tunnelKey: 1, type: 'chassisredirect', options: {}, chassis: null,
      haChassis: members, haRefChassis: refChassis, parentPort: '',
    });
    const on = (chassis: string, up?: string[]) => ({ ...hv(chassis), ...(up ? { activeTunnels: new Set(up) } : {}) });
    const gw = cr(['gw1', 'gw2', 'gw3'], ['hv1', 'hv2']);
    // No BFD information: every tunnel up, the most preferred member is active.
    assert.deepEqual(['gw1', 'gw2', 'gw3', 'hv1'].map((c) => haActiveHere(gw, on(c))), [true, false, false, false]);
    // The only registered member is active even with no session at all.
    assert.ok(haActiveHere(cr(['gw2']), on('gw2', [])));
    // Sessions but none up: this chassis lost the others, it is not active (not even the preferred one).
    assert.ok(!haActiveHere(gw, on('gw1', [])));
    // gw1 unreachable from gw2: gw2 takes over; gw3 still sees gw2.
    assert.ok(haActiveHere(gw, on('gw2', ['gw3', 'hv1'])));
    assert.ok(!haActiveHere(gw, on('gw3', ['gw2', 'hv1'])));
    // gw1 reaches gw2: gw1 stays active.
    assert.ok(haActiveHere(gw, on('gw1', ['gw2'])));
    // Only this chassis left as a candidate: active only if a ref chassis (a user of the gateway) is reachable.
    assert.ok(haActiveHere(gw, on('gw3', ['hv2'])));
    assert.ok(!haActiveHere(gw, on('gw3', ['elsewhere'])));
    // Not a member: never active.
    assert.ok(!haActiveHere(gw, on('hv1', ['gw1', 'gw2', 'gw3'])));
  });

  it('orders HA members as upstream: priority, then name (greatest first); unregistered members left out', () => {
    assert.deepEqual(orderHaMembers([
      { name: 'a', priority: 10 }, { name: 'c', priority: 20 }, { name: '', priority: 30 }, { name: 'b', priority: 10 }, { name: 'd', priority: 5 },
    ]), ['c', 'b', 'a', 'd']);
  });

  it('an l3gateway port for this chassis binds its router and pulls in the peer switch', () => {
    const l = chassisLocality(sampleSb(), hv('hv3'));
    assert.deepEqual([...l.localDatapaths].sort(), ['dp-gw', 'dp-lr', 'dp-pub', 'dp-sw']);
    assert.ok(l.localLportNames.has('gw-pub'));
  });

  it('stops following patch peers at the depth bound instead of looping', () => {
    const n = localDatapathDepthMax + 5;
    const sb: ChassisSb = {
      ...sampleSb(),
      datapaths: Array.from({ length: n }, (_, i) => ({ uuid: `d${i}`, tunnelKey: i + 1, externalIds: { 'logical-switch': `s${i}` } })),
      ports: [
        { uuid: 'v', logicalPort: 'v', datapath: 'd0', tunnelKey: 1, type: '', options: {}, chassis: 'hv1', haChassis: [], haRefChassis: [], parentPort: '' },
        ...Array.from({ length: n - 1 }, (_, i) => [
          { uuid: `f${i}`, logicalPort: `f${i}`, datapath: `d${i}`, tunnelKey: 2, type: 'patch', options: { peer: `r${i}` }, chassis: null, haChassis: [], haRefChassis: [], parentPort: '' },
          { uuid: `r${i}`, logicalPort: `r${i}`, datapath: `d${i + 1}`, tunnelKey: 3, type: 'patch', options: { peer: `f${i}` }, chassis: null, haChassis: [], haRefChassis: [], parentPort: '' },
        ]).flat(),
      ],
    };
    assert.equal(chassisLocality(sb, hv('hv1')).localDatapaths.size, localDatapathDepthMax + 1);
  });
});
