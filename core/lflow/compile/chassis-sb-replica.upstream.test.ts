// chassisSbFromReplica reads, through our IDL monitoring an upstream Southbound server, the same rows that
// ovn-sbctl lists, and compiling from it gives the same flows.
import { strict as assert } from 'node:assert';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { startControllerOracle, type ControllerOracle } from '../../../test-support/controller-oracle';
import { corpusVifs } from '../../../test-support/ovn-topology';
import { readChassisSb } from '../../../test-support/sb-json';
import { IdlClient } from '../../ovsdb/idl';
import { NodeClock, NodeTransport, createNodeRandom } from '../../../adapters/node';
import type { Replica } from '../../ovsdb/idl/replica';
import { ovnSymtab } from '../symtab';
import type { ChassisSb } from './chassis-sb';
import { chassisMonitorSelection, chassisSbFromReplica } from './chassis-sb-replica';
import { compileChassisFlows } from './chassis-flows';
import { idAllocator } from './context';
import { formatFlow } from '../../openflow';

function loadReplica(remote: string): Promise<Replica> {
  return new Promise((resolve, reject) => {
    const idl = new IdlClient({
      database: 'OVN_Southbound', remotes: [remote], transport: new NodeTransport(), clock: new NodeClock(),
      random: createNodeRandom('chassis-sb-test'), monitor: chassisMonitorSelection, leaderOnly: false,
      callbacks: {
        synced: (i) => {
          idl.stop();
          if (i.replica) resolve(i.replica);
          else reject(new Error('no replica after sync'));
        },
      },
    });
  });
}

/** Order-independent form: every list sorted, so two readings of the same rows compare equal. */
function canonical(sb: ChassisSb): unknown {
  const byUuid = <T extends { uuid: string }>(xs: readonly T[]) => [...xs].sort((a, b) => a.uuid.localeCompare(b.uuid));
  const sortedValues = (r: Readonly<Record<string, readonly string[]>>) => Object.fromEntries(Object.entries(r).sort().map(([k, v]) => [k, [...v].sort()]));
  return {
    datapaths: byUuid(sb.datapaths),
    ports: byUuid(sb.ports),
    mcGroups: [...sb.mcGroups].sort((a, b) => `${a.datapath}/${a.name}`.localeCompare(`${b.datapath}/${b.name}`)),
    flows: byUuid(sb.flows).map((f) => ({ ...f, datapaths: [...f.datapaths].sort() })),
    addressSets: sortedValues(sb.addressSets),
    portGroups: sortedValues(sb.portGroups),
  };
}

/** Compiled flows as text; group and conjunction ids depend on row order, so groups print as their text. */
function compiledText(sb: ChassisSb): string[] {
  const groups = idAllocator();
  const r = compileChassisFlows(sb, { chassis: 'hv1', localIfaces: new Set(corpusVifs) }, ovnSymtab(), { groupId: groups.id, meterId: idAllocator().id });
  const groupText = new Map([...groups.entries].map(([text, id]) => [id, text]));
  return r.flows.map((f) => `${f.lflowUuid} ${f.flowMod.tableId} ${formatFlow(f.flowMod)}`
    .replace(/conj_id=\d+|conjunction\(\d+/g, 'conj').replace(/group:(\d+)/g, (_, id: string) => `group:[${groupText.get(Number(id))}]`)).sort();
}

describe('chassis SB from an IDL replica of an upstream Southbound server', function () {
  this.timeout(120_000);
  let oracle: ControllerOracle | null = null;
  before(function () {
    upstreamOrSkip(this, 'ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovn-nbctl', 'ovn-sbctl', 'ovn-northd', 'ovn-controller');
    oracle = startControllerOracle();
  });
  after(function () {
    oracle?.stop();
  });

  it('reads the rows ovn-sbctl lists, and compiles to the same flows', async function () {
    const o = oracle!;
    const viaSbctl = readChassisSb((args) => o.box.run('ovn-sbctl', [`--db=${o.box.sb}`, ...args]));
    const viaIdl = chassisSbFromReplica(await loadReplica(o.box.sb));
    assert.ok(viaIdl.flows.length > 300 && viaIdl.ports.some((p) => p.haChassis.length > 0));
    assert.deepEqual(canonical(viaIdl), canonical(viaSbctl));
    assert.deepEqual(compiledText(viaIdl), compiledText(viaSbctl));
  });
});
