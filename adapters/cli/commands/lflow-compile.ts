// `ovn-ts lflow-compile [--db=REMOTE] --chassis=NAME [--iface=IFACE-ID]... [--datapath=NAME|KEY]
// [--active-tunnels=CHASSIS,...]`: the
// OpenFlow flows a hypervisor's ovn-controller installs in its logical tables for the Southbound database
// (ovn-ts or upstream server), compiled by ovn-ts, printed as `ovs-ofctl dump-flows --no-stats` prints
// them, followed by the groups they use as `ovs-ofctl dump-groups` prints them. Logical flows that do not
// compile are reported on standard error (as ovn-controller logs them) and skipped.
import { Command } from 'commander';
import { formatFlow, formatGroup, parseGroup, type FlowMod } from '../../../core/openflow';
import { ovnSymtab } from '../../../core/lflow/symtab';
import { compileChassisFlows } from '../../../core/lflow/compile/chassis-flows';
import { chassisMonitorSelection, chassisSbFromReplica } from '../../../core/lflow/compile/chassis-sb-replica';
import { idAllocator } from '../../../core/lflow/compile/context';
import { readDatabaseOnce, type OneShotResult } from '../read-db-once';
import type { Replica } from '../../../core/ovsdb/idl/replica';
import { defaultSbRemote, traceDbTimeoutMs } from './trace';
import { UsageError } from '../usage-error';

interface CompileOpts {
  db?: string;
  chassis?: string;
  iface: string[];
  datapath?: string;
  activeTunnels?: string;
}

function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

export function lflowCompileCommand(): Command {
  return new Command('lflow-compile')
    .description('print the OpenFlow flows a chassis installs for the logical flows of an OVN Southbound database')
    .option('--db <remote>', `Southbound database (default ${defaultSbRemote()})`)
    .option('--chassis <name>', 'the chassis (Chassis.name, the system-id) to compile for')
    .option('--iface <iface-id>', 'external_ids:iface-id of an interface on br-int (repeatable; default: the ports bound to the chassis)', collect, [] as string[])
    .option('--datapath <name-or-key>', 'only flows of this datapath (external_ids:name or tunnel key)')
    .option('--active-tunnels <chassis,...>', 'chassis this one has a BFD session up with, which decides HA gateway '
      + 'activity ("" for none; default: every tunnel up)')
    .action((opts: CompileOpts) => {
      if (!opts.chassis) throw new UsageError('lflow-compile: --chassis is required');
      const chassis = opts.chassis;
      const activeTunnels = parseActiveTunnels(opts.activeTunnels);
      readDatabaseOnce({ command: 'lflow-compile', database: 'OVN_Southbound', remote: opts.db ?? defaultSbRemote(), monitor: chassisMonitorSelection, timeoutMs: traceDbTimeoutMs },
        (replica) => compileForChassis(replica, chassis, opts.iface, opts.datapath, activeTunnels));
    });
}

/** "" is no session up; names are separated by commas (a name may not be empty). */
function parseActiveTunnels(text: string | undefined): ReadonlySet<string> | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === '') return new Set();
  const names = text.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new UsageError(`lflow-compile: --active-tunnels: empty chassis name in "${text}"`);
  return new Set(names);
}

function compileForChassis(
  replica: Replica, chassis: string, ifaces: string[], datapath: string | undefined, activeTunnels: ReadonlySet<string> | undefined,
): OneShotResult {
  const sb = chassisSbFromReplica(replica);
  let onlyKey: number | null = null;
  if (datapath !== undefined) {
    const dp = sb.datapaths.find((d) => d.externalIds['name'] === datapath || String(d.tunnelKey) === datapath || d.uuid === datapath);
    if (!dp) return { code: 2, stdout: '', stderr: `ovn-ts: lflow-compile: no datapath named ${datapath}\n` };
    onlyKey = dp.tunnelKey;
  }
  // Without --iface: the logical ports bound to this chassis stand for its interfaces.
  const localIfaces = new Set(ifaces.length > 0 ? ifaces : sb.ports.filter((p) => p.chassis === chassis).map((p) => p.logicalPort));
  const groups = idAllocator();
  const meters = idAllocator();
  const r = compileChassisFlows(sb, { chassis, localIfaces, ...(activeTunnels ? { activeTunnels } : {}) }, ovnSymtab(),
    { groupId: groups.id, meterId: meters.id });
  const flows = r.flows.filter((f) => onlyKey === null || f.datapathKey === onlyKey).map((f) => f.flowMod);
  const lines = [...flows].sort(byTablePriority).map(dumpLine);
  const used = new Set(lines.flatMap((l) => [...l.matchAll(/group:(\d+)/g)].map((m) => Number(m[1]))));
  for (const [text, id] of groups.entries) {
    if (!used.has(id)) continue;
    const g = parseGroup(`group_id=${id},${text}`);
    lines.push(g.ok ? formatGroup(g.groupMod) : `group_id=${id},${text}`);
  }
  const errors = r.failures.map((f) => `ovn-ts: lflow-compile: logical flow ${f.lflowUuid} on datapath ${f.datapathKey}: ${f.error}\n`).join('');
  return { code: 0, stdout: lines.map((l) => `${l}\n`).join(''), stderr: errors };
}

function byTablePriority(a: FlowMod, b: FlowMod): number {
  return a.tableId - b.tableId || b.priority - a.priority;
}

/** A flow as `ovs-ofctl dump-flows --no-stats` prints it. */
function dumpLine(f: FlowMod): string {
  const cookie = f.cookie === 0n ? '' : `cookie=0x${f.cookie.toString(16)}, `;
  return `${cookie}${f.tableId === 0 ? '' : `table=${f.tableId}, `}${formatFlow(f)}`;
}
