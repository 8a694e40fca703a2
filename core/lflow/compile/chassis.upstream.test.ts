// The agreement test: for the Southbound database upstream ovn-northd makes from the corpus
// topology, the OpenFlow flows of the logical tables that our compiler produces for chassis hv1 equal what
// upstream ovn-controller installs on a real ovs-vswitchd (datapath_type=netdev with dummy ports).
// Compared as multisets of `ovs-ofctl dump-flows` lines, normalized (cookies, conjunction ids, group and
// meter ids). Prints the agreement ratio and every difference with the logical flow behind it.
import { strict as assert } from 'node:assert';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { startControllerOracle, cookieOf, type ControllerOracle } from '../../../test-support/controller-oracle';
import { corpusVifs } from '../../../test-support/ovn-topology';
import { readChassisSb } from '../../../test-support/sb-json';
import {
  diffMultisets, groupTextsFromDescriptions, groupTextsFromDump, mergeSameMatch, normalizeFlows, ourFlowLine, splitFlowLine,
} from '../../../test-support/flow-compare';
import { ovnSymtab } from '../symtab';
import type { ChassisSb } from './chassis-sb';
import { compileChassisFlows } from './chassis-flows';
import { idAllocator, ofTables } from './context';

/** Logical flow tables: ingress 8..36 and egress 42..63 (upstream LOG_PIPELINE_LEN = 29 each). */
function isLogicalTable(t: number): boolean {
  return (t >= ofTables.logIngressPipeline && t < ofTables.logIngressPipeline + 29) || (t >= ofTables.logEgressPipeline && t < ofTables.saveInport);
}

/** Agreement required now; the goal is 1. */
const agreementMin = 0.95;

describe('compiled logical flows vs upstream ovn-controller (chassis hv1, corpus topology)', function () {
  this.timeout(180_000);
  let oracle: ControllerOracle | null = null;
  let sb: ChassisSb;
  before(function () {
    upstreamOrSkip(this, 'ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-ofctl', 'ovn-nbctl', 'ovn-sbctl', 'ovn-northd', 'ovn-controller');
    oracle = startControllerOracle();
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

    const groups = idAllocator();
    const meters = idAllocator();
    const result = compileChassisFlows(sb, { chassis: 'hv1', localIfaces: new Set(corpusVifs) }, ovnSymtab(), { groupId: groups.id, meterId: meters.id });
    const merged = mergeSameMatch(result.flows.map((f) => ourFlowLine(f.flowMod)));
    const ours = normalizeFlows(merged.flows, groupTextsFromDescriptions(groups.entries));

    const d = diffMultisets(ours, theirs);
    const union = d.common + d.onlyA.length + d.onlyB.length;
    const ratio = d.common / union;
    // Attribute each difference to its logical flow (by cookie on upstream's side, by key on ours).
    const byUuid = new Map(sb.flows.map((f) => [cookieOf(f.uuid), f]));
    const describe = (line: string) => {
      const raw = theirLines.find((l) => normalizeFlows([splitFlowLine(l)], groupTextsFromDump(o.groups()))[0] === line);
      const cookie = raw ? /^cookie=(0x[0-9a-f]+)/.exec(raw)?.[1] : undefined;
      const lf = cookie ? byUuid.get(cookie) : undefined;
      return lf ? `    [${lf.pipeline} ${lf.tableId} prio ${lf.priority}] ${lf.match} / ${lf.actions}` : '';
    };
    console.log(`      ${result.flows.length} compiled flows (${merged.droppedCount} duplicates merged, ${result.skippedNonLocalCount} non-local skipped, `
      + `${result.failures.length} logical flows not compiled); upstream ${theirLines.length} flows in logical tables`);
    console.log(`      agreement: ${d.common}/${union} = ${(ratio * 100).toFixed(1)}% (only ours ${d.onlyA.length}, only upstream ${d.onlyB.length})`);
    for (const f of result.failures) console.log(`      not compiled: ${f.error}`);
    for (const l of d.onlyA) console.log(`      only ours:     ${l}`);
    for (const l of d.onlyB) console.log(`      only upstream: ${l}\n${describe(l)}`);
    assert.ok(theirLines.length > 500, `upstream installed only ${theirLines.length} flows in logical tables`);
    assert.ok(ratio >= agreementMin, `agreement ${(ratio * 100).toFixed(1)}% is below ${agreementMin * 100}%`);
  });
});
