// Every logical flow a hypervisor installs, compiled to OpenFlow as ovn-controller 23.03 does in a full
// recompute (controller/lflow.c add_logical_flows -> consider_logical_flow__ -> add_matches_to_flow_table):
//   - a flow is compiled once per local datapath it applies to (logical_datapath or logical_dp_group);
//   - a flow tagged in_out_port=P is skipped unless P is a related port here;
//   - names resolve on the flow's datapath: ports by Port_Binding on that datapath, else a Multicast_Group
//     of that name there, "none" is key 0; port groups are "<datapath key>_<name>" with members filtered
//     to the local logical ports; is_chassis_resident() is decided for this chassis;
//   - on a logical switch, an OpenFlow flow whose match pins inport (ingress) / outport (egress) to a
//     port that is not related here is dropped (CompileContext.portKeyIsLocal);
//   - a flow that does not parse or compile is skipped and reported (upstream logs it and goes on).
import type { FlowMod } from '../../openflow';
import { LflowError } from '../errors';
import type { NameLookup } from '../lookup';
import type { Symtab } from '../symtab';
import type { ChassisIdentity, ChassisSb, ChassisSbDatapath, ChassisSbFlow, ChassisSbPort } from './chassis-sb';
import { chassisLocality, haActiveHere, lportKey, type ChassisLocality } from './chassis-locality';
import type { CompileContext } from './context';
import { emitPreparedFlow, parseLogicalFlowText, prepareLogicalFlow, shiftConjIds, type LogicalFlow, type ParsedLogicalFlow, type PreparedFlow } from './flow';

export interface ChassisFlow {
  readonly lflowUuid: string;
  readonly datapathKey: number;
  readonly flowMod: FlowMod;
}

export interface ChassisCompileFailure {
  readonly lflowUuid: string;
  readonly datapathKey: number;
  readonly error: string;
}

export interface ChassisAllocators {
  /** Group id for a group described by ovs-ofctl group text (same text, same id). */
  readonly groupId: (description: string) => number;
  /** Meter id for a meter name (set_meter's description, or a controller_meter name). */
  readonly meterId: (description: string) => number;
}

export interface ChassisCompileResult {
  readonly locality: ChassisLocality;
  readonly flows: readonly ChassisFlow[];
  readonly failures: readonly ChassisCompileFailure[];
  /** OpenFlow flows dropped because their inport/outport is not related here. */
  readonly skippedNonLocalCount: number;
  /** (logical flow, datapath) pairs compiled, and how many of them were prepared rather than shared. */
  readonly compiledPairCount: number;
  readonly preparedPairCount: number;
}

/** Upstream datapath_is_switch: a datapath made for a logical switch carries external_ids:logical-switch. */
export function datapathIsSwitch(dp: ChassisSbDatapath): boolean {
  return dp.externalIds['logical-switch'] !== undefined;
}

export function compileChassisFlows(sb: ChassisSb, me: ChassisIdentity, symtab: Symtab, alloc: ChassisAllocators): ChassisCompileResult {
  const locality = chassisLocality(sb, me);
  const dps = new Map(sb.datapaths.map((d) => [d.uuid, d]));
  const portByName = new Map(sb.ports.map((p) => [p.logicalPort, p]));
  const mcByDp = new Map<string, Map<string, number>>();
  for (const g of sb.mcGroups) {
    const m = mcByDp.get(g.datapath) ?? new Map<string, number>();
    m.set(g.name, g.tunnelKey);
    mcByDp.set(g.datapath, m);
  }
  const isResident = (name: string): boolean => {
    const p = portByName.get(name);
    if (!p) return false;
    return p.type === 'chassisredirect' ? haActiveHere(p, me) : p.chassis === me.chassis;
  };
  const flows: ChassisFlow[] = [];
  const failures: ChassisCompileFailure[] = [];
  let skippedNonLocalCount = 0;
  let compiledPairCount = 0;
  let preparedPairCount = 0;
  // Conjunction ids are unique across the chassis' flows (upstream allocates them per logical flow and
  // datapath); each compiled flow starts after the highest id used so far.
  let conjIdBase = 1;

  for (const lf of sb.flows) {
    // Parsed at most once per logical flow, however many local datapaths it is compiled for.
    let parsed: ParsedLogicalFlow | LflowError | undefined;
    // A flow of a datapath group is prepared once per kind of datapath when preparing it read nothing
    // specific to the datapath (see DatapathProbe); keyed by what the actions read of every datapath.
    const shared = new Map<string, { prepared: PreparedFlow; conjIdBase: number }>();
    for (const dpUuid of lf.datapaths) {
      const dp = dps.get(dpUuid);
      if (!dp || !locality.localDatapaths.has(dpUuid)) continue;
      if (!inOutPortRelated(lf, dp, portByName, locality)) continue;
      parsed ??= parseOnce(lf);
      if (parsed instanceof LflowError) {
        failures.push({ lflowUuid: lf.uuid, datapathKey: dp.tunnelKey, error: parsed.message });
        continue;
      }
      const probe: DatapathProbe = { readDatapathSpecific: false };
      const isSwitch = datapathIsSwitch(dp);
      const commonNatCtZone = dp.externalIds['snat-ct-zone'] !== undefined ? 'MFF_REG12' : 'MFF_REG11';
      const ctx: CompileContext = {
        symtab,
        lookupPort: (name) => {
          probe.readDatapathSpecific = true;
          if (name === 'none') return 0;
          const p = portByName.get(name);
          if (p && p.datapath === dpUuid) return p.tunnelKey;
          return mcByDp.get(dpUuid)?.get(name);
        },
        isChassisResident: isResident,
        isSwitch,
        commonNatCtZone,
        ...(lf.controllerMeter !== '' ? { ctrlMeterId: alloc.meterId(lf.controllerMeter) } : {}),
        groupId: alloc.groupId,
        meterId: alloc.meterId,
        conjIdBase,
        portKeyIsLocal: (key) => {
          const related = locality.relatedLportKeys.has(lportKey(dp.tunnelKey, key));
          if (!related) skippedNonLocalCount++;
          return related;
        },
        // Upstream tunnel_ofport_cb: a port of this datapath bound to a chassis we have a tunnel to.
        tunnelOfport: (name) => {
          probe.readDatapathSpecific = true;
          const p = portByName.get(name);
          return p && p.datapath === dpUuid && p.chassis !== null ? me.tunnelOfports?.get(p.chassis) : undefined;
        },
        ...(me.collectorSetIds ? { collectorSetIds: me.collectorSetIds } : {}),
      };
      const logical: LogicalFlow = {
        uuid: lf.uuid, datapathKey: dp.tunnelKey, pipeline: lf.pipeline, tableId: lf.tableId,
        priority: lf.priority, match: lf.match, actions: lf.actions, parsed,
      };
      const shareKey = `${isSwitch}|${commonNatCtZone}`;
      const known = shared.get(shareKey);
      let compiled;
      try {
        let prepared: PreparedFlow;
        if (known) {
          prepared = shiftConjIds(known.prepared, conjIdBase - known.conjIdBase);
        } else {
          preparedPairCount++;
          prepared = prepareLogicalFlow(probedDatapathKey(logical, probe), ctx, probedNames(namesOn(dp, sb, locality), probe));
          if (!probe.readDatapathSpecific) shared.set(shareKey, { prepared, conjIdBase });
        }
        compiled = emitPreparedFlow(prepared, logical, ctx);
      } catch (e) {
        if (!(e instanceof LflowError)) throw e;
        failures.push({ lflowUuid: lf.uuid, datapathKey: dp.tunnelKey, error: e.message });
        continue;
      }
      compiledPairCount++;
      for (const c of compiled) {
        for (const id of [c.compiled.conjId ?? 0, ...c.compiled.conjunctions.map((j) => j.id)]) conjIdBase = Math.max(conjIdBase, id + 1);
        flows.push({ lflowUuid: lf.uuid, datapathKey: dp.tunnelKey, flowMod: c.flowMod });
      }
    }
  }
  return { locality, flows, failures, skippedNonLocalCount, compiledPairCount, preparedPairCount };
}

function parseOnce(lf: ChassisSbFlow): ParsedLogicalFlow | LflowError {
  try {
    return parseLogicalFlowText(lf.match, lf.actions);
  } catch (e) {
    if (e instanceof LflowError) return e;
    throw e;
  }
}

function inOutPortRelated(lf: ChassisSbFlow, dp: ChassisSbDatapath, portByName: ReadonlyMap<string, ChassisSbPort>, locality: ChassisLocality): boolean {
  const io = lf.tags['in_out_port'];
  if (io === undefined) return true;
  const p = portByName.get(io);
  // Upstream keys the port by the flow's datapath and the port's own tunnel key.
  return p !== undefined && locality.relatedLportKeys.has(lportKey(dp.tunnelKey, p.tunnelKey));
}

/** Address sets by name; port groups as "<datapath key>_<name>" (or the bare name), local members only. */
/** Set when preparing a flow read something that differs between datapaths of the same kind. */
interface DatapathProbe {
  readDatapathSpecific: boolean;
}

/** lf whose datapathKey, when read (sample() puts it in the observation domain), marks the probe. */
function probedDatapathKey(lf: LogicalFlow, probe: DatapathProbe): LogicalFlow {
  const key = lf.datapathKey;
  return Object.defineProperty({ ...lf }, 'datapathKey', {
    get: () => {
      probe.readDatapathSpecific = true;
      return key;
    },
  });
}

/** Port groups are scoped to the datapath; address sets are not. */
function probedNames(names: NameLookup, probe: DatapathProbe): NameLookup {
  return {
    addressSet: (n) => names.addressSet(n),
    portGroup: (n) => {
      probe.readDatapathSpecific = true;
      return names.portGroup(n);
    },
  };
}

function namesOn(dp: ChassisSbDatapath, sb: ChassisSb, locality: ChassisLocality): NameLookup {
  return {
    addressSet: (n) => (Object.hasOwn(sb.addressSets, n) ? sb.addressSets[n] : undefined),
    portGroup: (n) => {
      const scoped = `${dp.tunnelKey}_${n}`;
      const members = Object.hasOwn(sb.portGroups, scoped) ? sb.portGroups[scoped] : Object.hasOwn(sb.portGroups, n) ? sb.portGroups[n] : undefined;
      return members?.filter((m) => locality.localLportNames.has(m));
    },
  };
}
