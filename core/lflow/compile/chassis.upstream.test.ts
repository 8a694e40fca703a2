// The agreement test: for the Southbound database upstream ovn-northd makes from the corpus
// topology (seen from a chassis with VIFs, and from the gateway chassis), the OpenFlow flows of the logical
// tables that our compiler produces for chassis hv1 equal what
// upstream ovn-controller installs on a real ovs-vswitchd (datapath_type=netdev with dummy ports).
// Compared as multisets of `ovs-ofctl dump-flows` lines, normalized (cookies, conjunction ids, group and
// meter ids). Prints the agreement ratio and every difference with the logical flow behind it; differences
// that are upstream bugs we do not reproduce are listed under their explanation.
import { strict as assert } from 'node:assert';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { startControllerOracle, cookieOf, type ControllerOracle, type OracleOptions } from '../../../test-support/controller-oracle';
import { corpusTopology, corpusVifs, gatewayTopology } from '../../../test-support/ovn-topology';
import { densityTopology, densityVifs } from '../../../test-support/density-topology';
import { readChassisSb } from '../../../test-support/sb-json';
import {
  diffMultisets, groupTextsFromDescriptions, groupTextsFromDump, mergeSameMatch, normalizeFlows, ourFlowLine, splitFlowLine,
} from '../../../test-support/flow-compare';
import { explainDifference } from '../../../test-support/known-upstream-differences';
import { ovnSymtab } from '../symtab';
import type { ChassisSb } from './chassis-sb';
import { compileChassisFlows } from './chassis-flows';
import { idAllocator, ofTables } from './context';

/** Upstream LOG_PIPELINE_LEN: logical tables per pipeline. */
const logPipelineLen = 29;

function isLogicalTable(t: number): boolean {
  return (t >= ofTables.logIngressPipeline && t < ofTables.logIngressPipeline + logPipelineLen)
    || (t >= ofTables.logEgressPipeline && t < ofTables.logEgressPipeline + logPipelineLen && t < ofTables.saveInport);
}

/**
 * Agreement required (flows identical after normalization, over all flows either side installs). Every
 * difference must also be explained by a known upstream bug (test-support/known-upstream-differences.ts).
 */
const agreementMin = 0.95;

/** The gateway topology with hv1 preferred (priority 30) over hv2 (20) for the gateway port. */
const gatewayHv1Preferred = gatewayTopology.map((cmd) => (cmd[0] === 'lrp-set-gateway-chassis' && cmd[2] === 'hv1' ? [...cmd.slice(0, 3), '30'] : cmd));

/** activeTunnels: what hv1's BFD sessions give (absent: all up); must be what upstream's hv1 has. */
const scenarios: ReadonlyArray<{ name: string; oracle: OracleOptions; vifs: readonly string[]; activeTunnels?: readonly string[] }> = [
  { name: 'corpus topology, hv1 with VIFs and the active gateway port', oracle: { topology: corpusTopology }, vifs: corpusVifs },
  { name: 'gateway router on hv1, backup member of the gateway port\'s HA group, one VIF', oracle: { topology: gatewayTopology, vifs: ['vm3'] }, vifs: ['vm3'] },
  {
    // hv2 registered but unreachable: hv1's BFD session to it never comes up, so upstream's active_tunnels
    // is empty and hv1 - although the preferred member - is not active (it may have lost the others).
    name: 'gateway port\'s HA group, hv1 preferred, both members registered, no BFD session up (hv1 not active)',
    oracle: { topology: gatewayHv1Preferred, vifs: ['vm3'], otherChassis: ['hv2'] }, vifs: ['vm3'], activeTunnels: [],
  },
  { name: 'density workload: 8 switches x 8 ports, ACLs over port groups and address sets, 4 load balancers', ...density(8, 8, 4) },
];

function density(switches: number, portsPerSwitch: number, loadBalancers: number): { oracle: OracleOptions; vifs: readonly string[] } {
  const w = { switches, portsPerSwitch, loadBalancers, boundPerSwitch: 1 };
  return { oracle: { topology: densityTopology(w), vifs: densityVifs(w) }, vifs: densityVifs(w) };
}

for (const scenario of scenarios) describe(`compiled logical flows vs upstream ovn-controller (${scenario.name})`, function () {
  this.timeout(180_000);
  let oracle: ControllerOracle | null = null;
  let sb: ChassisSb;
  before(function () {
    upstreamOrSkip(this, 'ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-ofctl', 'ovn-nbctl', 'ovn-sbctl', 'ovn-northd', 'ovn-controller');
    oracle = startControllerOracle(scenario.oracle);
    sb = readChassisSb((args) => oracle!.box.run('ovn-sbctl', [`--db=${oracle!.box.sb}`, ...args]));
  });
  after(function () {
    oracle?.stop();
  });

  it('installs the same OpenFlow flows in the logical tables', function () {
    const o = oracle!;
    const dump = o.box.run('ovs-ofctl', ['-O', 'OpenFlow15', 'dump-flows', o.box.brIntMgmt, '--no-stats'])
      .split('\n').filter((l) => l.startsWith(' ')).map((l) => l.slice(1));
    const tableOf = (l: string) => Number(/(?:^|, )table=(\d+)/.exec(l)?.[1] ?? 0);
    const theirLines = dump.filter((l) => isLogicalTable(tableOf(l)));
    const theirs = normalizeFlows(theirLines.map(splitFlowLine), groupTextsFromDump(o.groups()));
    const rawOf = new Map(theirs.map((n, i) => [n, theirLines[i]!]));

    const groups = idAllocator();
    const meters = idAllocator();
    const me = { chassis: 'hv1', localIfaces: new Set(scenario.vifs), ...(scenario.activeTunnels ? { activeTunnels: new Set(scenario.activeTunnels) } : {}) };
    const result = compileChassisFlows(sb, me, ovnSymtab(), { groupId: groups.id, meterId: meters.id });
    const merged = mergeSameMatch(result.flows.map((f) => ourFlowLine(f.flowMod)));
    const ours = normalizeFlows(merged.flows, groupTextsFromDescriptions(groups.entries));

    const d = diffMultisets(ours, theirs);
    const union = d.common + d.onlyA.length + d.onlyB.length;
    const ratio = d.common / union;
    const byCookie = new Map(sb.flows.map((f) => [cookieOf(f.uuid), f]));
    const origin = (line: string) => {
      const cookie = /^cookie=(0x[0-9a-f]+)/.exec(rawOf.get(line) ?? '')?.[1];
      const lf = cookie ? byCookie.get(cookie) : undefined;
      return lf ? `\n          from [${lf.pipeline} ${lf.tableId} prio ${lf.priority}] ${lf.match} / ${lf.actions}` : '';
    };
    // Pair the differences by table, priority and match, and explain the pairs that are known upstream bugs.
    const keyOf = (l: string) => l.slice(0, l.lastIndexOf(' actions='));
    const theirsByKey = new Map<string, string[]>();
    for (const l of d.onlyB) theirsByKey.set(keyOf(l), [...(theirsByKey.get(keyOf(l)) ?? []), l]);
    const explained = new Map<string, number>();
    const unexplained: string[] = [];
    for (const l of d.onlyA) {
      const peers = theirsByKey.get(keyOf(l)) ?? [];
      const i = peers.findIndex((t) => explainDifference(l, t) !== null);
      if (i >= 0) {
        const why = explainDifference(l, peers[i]!)!;
        explained.set(why, (explained.get(why) ?? 0) + 1);
        peers.splice(i, 1);
      } else {
        unexplained.push(`only ours:     ${l}`);
      }
    }
    for (const peers of theirsByKey.values()) for (const t of peers) unexplained.push(`only upstream: ${t}${origin(t)}`);

    console.log(`      ${result.flows.length} compiled flows (${merged.droppedCount} duplicates merged, ${result.skippedNonLocalCount} non-local skipped, `
      + `${result.failures.length} logical flows not compiled); upstream: ${theirLines.length} flows in logical tables`);
    console.log(`      agreement: ${d.common}/${union} = ${(ratio * 100).toFixed(1)}% identical; `
      + `${[...explained.values()].reduce((a, b) => a + b, 0)} pairs differ by known upstream bugs, ${unexplained.length} flows differ otherwise`);
    for (const [why, n] of explained) console.log(`      explained (${n}): ${why}`);
    for (const f of result.failures) console.log(`      not compiled: ${f.error}`);
    for (const l of unexplained) console.log(`      ${l}`);
    assert.ok(theirLines.length > 500, `upstream installed only ${theirLines.length} flows in logical tables`);
    assert.ok(ratio >= agreementMin, `agreement ${(ratio * 100).toFixed(1)}% is below ${agreementMin * 100}%`);
    assert.deepEqual(result.failures, [], 'every logical flow compiles');
    assert.deepEqual(unexplained, [], 'every difference is a known upstream bug');
  });
});
