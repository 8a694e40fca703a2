// Every logical flow a hypervisor installs, compiled to OpenFlow as ovn-controller 23.03 does in a full
// recompute (controller/lflow.c add_logical_flows -> consider_logical_flow__ -> add_matches_to_flow_table):
//   - a flow is compiled once per local datapath it applies to (logical_datapath or logical_dp_group);
//   - a flow tagged in_out_port=P is skipped unless P is a related port here;
//   - names resolve on the flow's datapath: ports by Port_Binding on that datapath, else a Multicast_Group
//     of that name there, "none" is key 0; port groups are "<datapath key>_<name>" with members filtered
//     to the local logical ports; is_chassis_resident() is decided for this chassis;
//   - on a logical switch, an OpenFlow flow whose match pins inport (ingress) / outport (egress) to a
//     port that is not related here is dropped (CompileContext.portKeyIsLocal);
//   - a flow that does not parse or compile is skipped and reported (upstream logs it and goes on);
//   - a flow is prepared (matches and actions) once for every datapath, recompute or chassis where it reads
//     the same values (prepared-cache.ts), as upstream's lflow cache keeps matches without the metadata.
import { LflowError } from '../errors';
import type { NameLookup } from '../lookup';
import type { Symtab } from '../symtab';
import type { ChassisIdentity, ChassisSb, ChassisSbDatapath, ChassisSbFlow, ChassisSbPort } from './chassis-sb';
import { chassisLocality, haActiveHere, lportKey, type ChassisLocality } from './chassis-locality';
import type { CompileContext } from './context';
import { emitPreparedFlow, parseLogicalFlowText, prepareLogicalFlow, shiftConjIds, type LogicalFlow, type ParsedLogicalFlow } from './flow';
import { PreparedFlowCache, recordingWorld, type Emitted, type EmittedFlow, type PrepareRead, type PrepareWorld } from './prepared-cache';
import { assert } from '../../util/assert';

/** A flow of the chassis' logical tables (shared, as an object, with chassis that install it alike). */
export type ChassisFlow = EmittedFlow;

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

/**
 * `cache` carries prepared flows from one call to the next (and between chassis that share it: a flow is
 * reused wherever everything it read is the same); without one, flows are still shared between the
 * datapaths of a group within the call. Its owner calls cache.sweep() now and then to forget flows the SB
 * no longer has.
 */
export function compileChassisFlows(
  sb: ChassisSb, me: ChassisIdentity, symtab: Symtab, alloc: ChassisAllocators, cache = new PreparedFlowCache(symtab),
): ChassisCompileResult {
  assert(cache.symtab === symtab, () => 'compileChassisFlows: the prepared-flow cache was made for another symbol table');
  const locality = chassisLocality(sb, me);
  const collectorsKey = me.collectorSetIds ? [...me.collectorSetIds].sort((a, b) => a - b).join(',') : '-';
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
    for (const dpUuid of lf.datapaths) {
      const dp = dps.get(dpUuid);
      if (!dp || !locality.localDatapaths.has(dpUuid)) continue;
      if (!inOutPortRelated(lf, dp, portByName, locality)) continue;
      // Parsed at most once per logical flow, however many local datapaths (and recomputes) it serves.
      const parsed = cache.parsed(lf, () => parseOnce(lf));
      if (parsed instanceof LflowError) {
        failures.push({ lflowUuid: lf.uuid, datapathKey: dp.tunnelKey, error: parsed.message });
        continue;
      }
      const isSwitch = datapathIsSwitch(dp);
      const commonNatCtZone = dp.externalIds['snat-ct-zone'] !== undefined ? 'MFF_REG12' : 'MFF_REG11';
      const ctrlMeterId = lf.controllerMeter !== '' ? alloc.meterId(lf.controllerMeter) : undefined;
      const ctx: CompileContext = {
        symtab,
        lookupPort: (name) => {
          if (name === 'none') return 0;
          const p = portByName.get(name);
          if (p && p.datapath === dpUuid) return p.tunnelKey;
          return mcByDp.get(dpUuid)?.get(name);
        },
        isChassisResident: isResident,
        isSwitch,
        commonNatCtZone,
        ...(ctrlMeterId !== undefined ? { ctrlMeterId } : {}),
        groupId: alloc.groupId,
        meterId: alloc.meterId,
        conjIdBase,
        portKeyIsLocal: (key) => locality.relatedLportKeys.has(lportKey(dp.tunnelKey, key)),
        // Upstream tunnel_ofport_cb: a port of this datapath bound to a chassis we have a tunnel to.
        tunnelOfport: (name) => {
          const p = portByName.get(name);
          return p && p.datapath === dpUuid && p.chassis !== null ? me.tunnelOfports?.get(p.chassis) : undefined;
        },
        ...(me.collectorSetIds ? { collectorSetIds: me.collectorSetIds } : {}),
      };
      const logical: LogicalFlow = {
        uuid: lf.uuid, datapathKey: dp.tunnelKey, pipeline: lf.pipeline, tableId: lf.tableId,
        priority: lf.priority, match: lf.match, actions: lf.actions, parsed,
      };
      // What the preparation reads of its world without going through a recorded lookup.
      const env = `${isSwitch}|${commonNatCtZone}|${ctrlMeterId ?? ''}|${collectorsKey}`;
      const world: PrepareWorld = { ctx, names: namesOn(dp, sb, locality), datapathKey: dp.tunnelKey };
      let emitted: Emitted;
      try {
        let entry = cache.lookup(lf, env, world);
        if (!entry) {
          preparedPairCount++;
          const reads: PrepareRead[] = [];
          const recording = recordingWorld(world, reads);
          entry = cache.store(lf, env, reads, prepareLogicalFlow(logical, recording.ctx, recording.names, recording.datapathKey), conjIdBase);
        }
        // Conjunction ids continue from this chassis' own count: the same preparation, ids shifted.
        const shift = conjIdBase - entry.conjIdBase;
        const prepared = entry.prepared;
        emitted = cache.emitted(entry, `${dp.tunnelKey}|${shift}|${lf.priority}`, ctx.portKeyIsLocal!, (isLocal) => {
          const compiled = emitPreparedFlow(shiftConjIds(prepared, shift), logical, { ...ctx, portKeyIsLocal: isLocal }, cache.interner);
          let maxConjId = 0;
          for (const c of compiled) {
            for (const id of [c.compiled.conjId ?? 0, ...c.compiled.conjunctions.map((j) => j.id)]) maxConjId = Math.max(maxConjId, id);
          }
          return { flows: compiled.map((c) => ({ lflowUuid: lf.uuid, datapathKey: dp.tunnelKey, flowMod: c.flowMod })), maxConjId };
        });
      } catch (e) {
        if (!(e instanceof LflowError)) throw e;
        failures.push({ lflowUuid: lf.uuid, datapathKey: dp.tunnelKey, error: e.message });
        continue;
      }
      compiledPairCount++;
      for (const [, local] of emitted.localReads) if (!local) skippedNonLocalCount++;
      conjIdBase = Math.max(conjIdBase, emitted.maxConjId + 1);
      for (const f of emitted.flows) flows.push(f);
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
