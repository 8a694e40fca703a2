// Decoded OpenFlow 1.5 actions (standard and Nicira extensions), one variant per wire action.
// Every variant carries exactly what its wire form holds, so decode -> encode is byte-identical.

import type { OxmEntry, Subfield } from '../oxm';

export interface OutputAction { readonly type: 'output'; readonly port: number; readonly maxLen: number }
export interface GroupAction { readonly type: 'group'; readonly groupId: number }
export interface SetQueueAction { readonly type: 'set_queue'; readonly queueId: number }
export interface PushVlanAction { readonly type: 'push_vlan'; readonly ethertype: number }
export interface PopVlanAction { readonly type: 'pop_vlan' }
export interface DecTtlAction { readonly type: 'dec_ttl' }
export interface SetNwTtlAction { readonly type: 'set_nw_ttl'; readonly ttl: number }
export interface PushMplsAction { readonly type: 'push_mpls'; readonly ethertype: number }
export interface PopMplsAction { readonly type: 'pop_mpls'; readonly ethertype: number }
export interface DecMplsTtlAction { readonly type: 'dec_mpls_ttl' }
export interface MeterAction { readonly type: 'meter'; readonly meterId: number }
/** OF1.5 set_field: the mask (if any) makes it a partial load (ovs-ofctl "load:" / "set_field:v/m->f"). */
export interface SetFieldAction { readonly type: 'set_field'; readonly entry: OxmEntry }
/** OF1.5 copy_field, which OVS uses for "move:" in OpenFlow 1.5. */
export interface CopyFieldAction { readonly type: 'copy_field'; readonly src: Subfield; readonly dst: Subfield }

export interface ResubmitAction {
  readonly type: 'resubmit';
  /** Which wire action: NXAST_RESUBMIT (no table), NXAST_RESUBMIT_TABLE, NXAST_RESUBMIT_TABLE_CT. */
  readonly variant: 'port' | 'table' | 'table_ct';
  readonly inPort: number;
  /** 255 = current table (only for variant 'port', always 255). */
  readonly table: number;
}
export interface SetTunnelAction { readonly type: 'set_tunnel'; readonly tunId: number }
export interface SetTunnel64Action { readonly type: 'set_tunnel64'; readonly tunId: bigint }
export interface PopQueueAction { readonly type: 'pop_queue' }
export interface NoteAction { readonly type: 'note'; readonly data: Uint8Array }
export interface OutputRegAction {
  readonly type: 'output_reg';
  /** NXAST_OUTPUT_REG (32-bit NXM header) or NXAST_OUTPUT_REG2 (any header). */
  readonly variant: 'reg' | 'reg2';
  readonly src: Subfield;
  readonly maxLen: number;
}
export interface ExitAction { readonly type: 'exit' }
export interface CtClearAction { readonly type: 'ct_clear' }
export interface FinTimeoutAction { readonly type: 'fin_timeout'; readonly idleTimeout: number; readonly hardTimeout: number }
export interface ControllerAction {
  readonly type: 'controller';
  readonly maxLen: number;
  readonly controllerId: number;
  readonly reason: number;
}
/** NXAST_CONTROLLER2: properties, each optional; `present` lists them in wire order for exact re-encoding. */
export interface Controller2Action {
  readonly type: 'controller2';
  readonly maxLen?: number;
  readonly controllerId?: number;
  readonly reason?: number;
  readonly userdata?: Uint8Array;
  readonly pause: boolean;
  readonly meterId?: number;
  readonly order: readonly Controller2Prop[];
}
export type Controller2Prop = 'max_len' | 'controller_id' | 'reason' | 'userdata' | 'pause' | 'meter_id';
export interface WriteMetadataAction { readonly type: 'write_metadata'; readonly metadata: bigint; readonly mask: bigint }
export interface SampleAction {
  readonly type: 'sample';
  /** NXAST_SAMPLE (24 bytes) or NXAST_SAMPLE2/3 (32 bytes, with sampling port and direction). */
  readonly variant: 'sample' | 'sample2' | 'sample3';
  readonly probability: number;
  readonly collectorSetId: number;
  readonly obsDomainId: number;
  readonly obsPointId: number;
  readonly samplingPort: number;
  readonly direction: number;
}
/** clause is 0-based on the wire; ovs-ofctl writes it 1-based ("conjunction(id,k/n)"). */
export interface ConjunctionAction { readonly type: 'conjunction'; readonly id: number; readonly clause: number; readonly nClauses: number }
export interface CtAction {
  readonly type: 'ct';
  readonly flags: number;
  /** Zone from a field (zone=NXM_NX_REG13[0..15]) or immediate (zoneImm) when zoneSrc is absent. */
  readonly zoneSrc?: Subfield;
  readonly zoneImm: number;
  /** 255 (NX_CT_RECIRC_NONE) = no recirculation. */
  readonly recircTable: number;
  readonly alg: number;
  readonly actions: readonly Action[];
}
export interface NatAction {
  readonly type: 'nat';
  readonly flags: number;
  readonly rangePresent: number;
  readonly ipv4Min?: Uint8Array;
  readonly ipv4Max?: Uint8Array;
  readonly ipv6Min?: Uint8Array;
  readonly ipv6Max?: Uint8Array;
  readonly protoMin?: number;
  readonly protoMax?: number;
}
export interface CloneAction { readonly type: 'clone'; readonly actions: readonly Action[] }
export interface DecTtlCntIdsAction { readonly type: 'dec_ttl_cnt_ids'; readonly ids: readonly number[] }
export interface CheckPktLargerAction {
  readonly type: 'check_pkt_larger';
  readonly pktLen: number;
  readonly dst: Subfield;
}
export interface LearnSpec {
  /** NX_LEARN_SRC_FIELD (src subfield) or NX_LEARN_SRC_IMMEDIATE (srcImm, 2*ceil(nBits/16) bytes). */
  readonly src: Subfield | Uint8Array;
  readonly dst: 'match' | 'load' | 'output';
  readonly dstField?: Subfield;
  readonly nBits: number;
}
export interface LearnAction {
  readonly type: 'learn';
  readonly variant: 'learn' | 'learn2';
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly priority: number;
  readonly cookie: bigint;
  readonly flags: number;
  readonly tableId: number;
  readonly finIdleTimeout: number;
  readonly finHardTimeout: number;
  readonly limit: number;
  readonly resultDst?: Subfield;
  readonly specs: readonly LearnSpec[];
}

/** NXAST_STACK_PUSH / NXAST_STACK_POP ("push:"/"pop:" in ovs-ofctl). */
export interface StackAction { readonly type: 'stack_push' | 'stack_pop'; readonly field: Subfield }
export interface MultipathAction {
  readonly type: 'multipath';
  readonly fields: number;
  readonly basis: number;
  readonly algorithm: number;
  /** Number of output links minus 1, as on the wire. */
  readonly maxLink: number;
  readonly arg: number;
  readonly dst: Subfield;
}

export type Action =
  | OutputAction | GroupAction | SetQueueAction | PushVlanAction | PopVlanAction | DecTtlAction | SetNwTtlAction
  | PushMplsAction | PopMplsAction | DecMplsTtlAction | MeterAction | SetFieldAction | CopyFieldAction
  | ResubmitAction | SetTunnelAction | SetTunnel64Action | PopQueueAction | NoteAction | OutputRegAction
  | ExitAction | CtClearAction | FinTimeoutAction | ControllerAction | Controller2Action | WriteMetadataAction
  | SampleAction | ConjunctionAction | CtAction | NatAction | CloneAction | DecTtlCntIdsAction
  | CheckPktLargerAction | LearnAction | StackAction | MultipathAction;

export type ActionType = Action['type'];

// Well-known constants.
export const ofppInPort = 0xfffffff8;
export const ofppController = 0xfffffffd;
export const ofppAny = 0xffffffff;
export const nxCtRecircNone = 255;
export const nxCtFlags = { commit: 1 << 0, force: 1 << 1 } as const;
export const nxNatFlags = { src: 1 << 0, dst: 1 << 1, persistent: 1 << 2, hash: 1 << 3, random: 1 << 4 } as const;
export const nxNatRange = {
  ipv4Min: 1 << 0, ipv4Max: 1 << 1, ipv6Min: 1 << 2, ipv6Max: 1 << 3, protoMin: 1 << 4, protoMax: 1 << 5,
} as const;
export const nxLearnFlags = { sendFlowRem: 1 << 0, deleteLearned: 1 << 1, writeResult: 1 << 2 } as const;
