// What compiling a logical flow needs besides the flow itself: where the pipelines live in the OpenFlow
// table space (ovn-controller 23.03 controller/lflow.h OFTABLE_*), how names resolve on this hypervisor
// (logical port -> tunnel key, is_chassis_resident), and allocators for the ids upstream assigns at
// compile time (conjunction ids, group ids for ct_lb/select, meter ids for set_meter).
import type { Symtab } from '../symtab';

/** OpenFlow tables of ovn-controller 23.03 (controller/lflow.h, the installed binary's version). */
export const ofTables = {
  logIngressPipeline: 8,
  remoteOutput: 39,
  logEgressPipeline: 42,
  saveInport: 64,
  logToPhy: 65,
  macBinding: 66,
  macLookup: 67,
  chkLbHairpin: 68,
  chkLbHairpinReply: 69,
  ctSnatHairpin: 70,
  getFdb: 71,
  lookupFdb: 72,
  chkInPortSec: 73,
  chkInPortSecNd: 74,
  chkOutPortSec: 75,
  ecmpNhMac: 76,
  ecmpNh: 77,
  chkLbAffinity: 78,
} as const;

/** Logical flow tables per pipeline that `next` may reach (upstream LOG_PIPELINE_LEN). */
export const logPipelineTablesCount = 30;

/** Bits of MFF_LOG_FLAGS (reg10) the action encoders use (include/ovn/logical-fields.h MLF_*_BIT). */
export const logFlagBits = {
  lookupMac: 6,
  lookupLbHairpin: 7,
  lookupFdb: 8,
  checkPortSec: 12,
  lookupCommitEcmpNh: 13,
  useLbAffSession: 14,
} as const;

export type Pipeline = 'ingress' | 'egress';

export interface CompileContext {
  readonly symtab: Symtab;
  /** Logical port name -> tunnel key on its datapath; undefined when the port is unknown here. */
  readonly lookupPort: (name: string) => number | undefined;
  /** is_chassis_resident(port) on this hypervisor. */
  readonly isChassisResident: (port: string) => boolean;
  /** Logical switch (true) or router (false): picks the conntrack zone register upstream uses. */
  readonly isSwitch: boolean;
  /**
   * On a switch, whether this chassis installs flows for the logical port with this tunnel key (upstream
   * related_lport_ids: local VIFs, their children, patch ports ...). A match whose inport (ingress) or
   * outport (egress) register holds a nonzero value that is not such a port is skipped, as ovn-controller
   * add_matches_to_flow_table does. Absent: every port is local.
   */
  readonly portKeyIsLocal?: (key: number) => boolean;
  /** The zone register ct_dnat_in_czone/ct_snat_in_czone use (upstream common_nat_ct_zone). */
  readonly commonNatCtZone?: 'MFF_REG11' | 'MFF_REG12' | 'MFF_REG13';
  /** Meter id for controller actions (upstream ctrl_meter_id); absent = no meter. */
  readonly ctrlMeterId?: number;
  /** Allocates an id for a group (ct_lb backends, select) described by ovs-ofctl group text. */
  readonly groupId: (description: string) => number;
  /** Allocates an id for a meter described by text (set_meter). */
  readonly meterId: (description: string) => number;
  /** First conjunction id free for this flow; the compiler uses ids upward from here. */
  readonly conjIdBase?: number;
  /**
   * OpenFlow port of the tunnel to the chassis a logical port is bound to (fwd_group liveness watches it);
   * undefined when the port is unbound, local or has no tunnel. Absent = never.
   */
  readonly tunnelOfport?: (port: string) => number | undefined;
  /** Ids of the Open_vSwitch Flow_Sample_Collector_Set rows: sample() encodes only for one of these. */
  readonly collectorSetIds?: ReadonlySet<number>;
}

/** Deterministic allocators for tests and tools: ids from 1 in order of first request, same text same id. */
export function idAllocator(): { id: (description: string) => number; entries: Map<string, number> } {
  const entries = new Map<string, number>();
  return {
    entries,
    id: (d: string) => {
      let v = entries.get(d);
      if (v === undefined) {
        v = entries.size + 1;
        entries.set(d, v);
      }
      return v;
    },
  };
}
