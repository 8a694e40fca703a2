// Differential test of action encoding against upstream ovn-controller 23.03: the logical flows of
// core/lflow/testdata/action-cases.ts (the actions of actions-dhcp/-nd-ra/-learn/-fwd-group/-sample and the
// small ones registered in actions.ts, with arguments as northd writes them) are written into the
// oracle's Southbound database; per logical flow, the OpenFlow flows upstream installed (cookie removed)
// must equal ours as a multiset. Group and meter ids are allocated differently on each side, so `group:N`
// is replaced on both sides by the group's own text and controller meter ids by a placeholder.
import * as assert from 'node:assert/strict';
import { formatFlow, formatGroup, parseGroup } from '../../openflow';
import { startControllerOracle, type ControllerOracle, type OracleFlow } from '../../../test-support/controller-oracle';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { noNames } from '../lookup';
import { ovnSymtab } from '../symtab';
import type { CompileContext } from './context';
import { actionCases as cases } from '../testdata/action-cases';
import { compileLogicalFlow } from './flow';

const switches = new Set(['sw0', 'pub']);
const knownPorts = ['vm1', 'vm2', 'vm3', 'lp-meta', 'lr0-sw0', 'lr0-pub', 'sw0-lr0'];
const sampleCollectorSet = 5;

/** A group's text without its id, as ovs-ofctl prints it. */
function groupText(withId: string): string {
  return withId.replace(/^group_id=\d+,/, '');
}

/** Group ids replaced by the group's text; controller meter ids (allocated per side) by a placeholder. */
function withGroups(line: string, groups: ReadonlyMap<number, string>): string {
  return line.replace(/group:(\d+)/g, (_m, id: string) => `group:{${groups.get(Number(id)) ?? `unknown group ${id}`}}`)
    .replace(/meter_id=\d+/g, 'meter_id=M');
}

describe('lflow compile: actions vs upstream ovn-controller', function () {
  this.timeout(120_000);
  let oracle: ControllerOracle | undefined;

  before(function () {
    upstreamOrSkip(this, 'ovsdb-tool', 'ovn-controller', 'ovs-vswitchd', 'ovsdb-server', 'ovn-northd', 'ovn-nbctl', 'ovn-sbctl', 'ovs-vsctl', 'ovs-ofctl');
    oracle = startControllerOracle();
    // sample() encodes only for a collector set that exists in the local Open_vSwitch database.
    oracle.box.run('ovs-vsctl', [`--db=${oracle.box.ovs}`, '--', '--id=@br', 'get', 'Bridge', 'br-int', '--',
      'create', 'Flow_Sample_Collector_Set', `id=${sampleCollectorSet}`, 'bridge=@br']);
  });

  after(function () {
    oracle?.stop();
  });

  it('installs the same OpenFlow flows for every action case', function () {
    const o = oracle!;
    const flows = cases.map((c, i): OracleFlow => ({ ...c, tableId: 5, priority: 100 + i }));
    const installed = o.install(flows);
    const upstreamGroups = new Map(o.groups().map((g) => [Number(/^group_id=(\d+)/.exec(g)?.[1]), groupText(g)]));
    const portKeys = new Map(knownPorts.map((p) => [p, o.portKey(p)]));
    const ourGroups = new Map<number, string>();
    const mismatches: string[] = [];
    let agreed = 0;
    let openflowFlows = 0;
    flows.forEach((f, i) => {
      const ctx: CompileContext = {
        symtab: ovnSymtab(),
        lookupPort: (n) => portKeys.get(n),
        isChassisResident: () => true,
        isSwitch: switches.has(f.datapath),
        collectorSetIds: new Set([sampleCollectorSet]),
        groupId: (d) => {
          const id = ourGroups.size + 1;
          const parsed = parseGroup(`group_id=${id},${d}`);
          if (!parsed.ok) throw new Error(`our group text does not parse: ${parsed.error}: ${d}`);
          ourGroups.set(id, groupText(formatGroup(parsed.groupMod)));
          return id;
        },
        meterId: () => 1,
        ...(f.controllerMeter !== undefined ? { ctrlMeterId: 1 } : {}),
      };
      let ours: string[];
      try {
        ours = compileLogicalFlow({ ...f, uuid: installed[i]!.uuid, datapathKey: o.datapathKey(f.datapath) }, ctx, noNames)
          .map((c) => withGroups(`table=${c.flowMod.tableId}, ${formatFlow(c.flowMod)}`, ourGroups)).sort();
      } catch (e) {
        ours = [`error: ${(e as Error).message}`];
      }
      const theirs = installed[i]!.flows.map((l) => withGroups(l.replace(/^cookie=0x[0-9a-f]+, /, ''), upstreamGroups)).sort();
      if (theirs.length === 0) mismatches.push(`upstream installed nothing (rejected?) for ${f.actions}`);
      openflowFlows += theirs.length;
      if (process.env.LFLOW_VERBOSE === '1') console.log(`      ${f.actions}\n        ${theirs.join('\n        ')}`);
      if (JSON.stringify(ours) === JSON.stringify(theirs)) agreed++;
      else mismatches.push(`${f.datapath} ${f.match} / ${f.actions}\n      ours:     ${ours.join('\n                ')}\n      upstream: ${theirs.join('\n                ')}`);
    });
    console.log(`    actions vs upstream: ${agreed}/${flows.length} logical flows agree (${openflowFlows} OpenFlow flows upstream)`);
    assert.deepEqual(mismatches, []);
  });
});
