// Decoded OpenFlow 1.5 messages. Every message carries its xid; bodies keep what the wire holds so that
// decode -> encode reproduces the same bytes.

import type { Action } from '../actions/types';
import type { Instruction } from '../instructions';
import type { Match } from '../match';
import type { Property } from '../properties';

export interface Hello { readonly type: 'hello'; readonly xid: number; readonly versions: readonly number[] }
export interface EchoRequest { readonly type: 'echo_request'; readonly xid: number; readonly data: Uint8Array }
export interface EchoReply { readonly type: 'echo_reply'; readonly xid: number; readonly data: Uint8Array }
export interface FeaturesRequest { readonly type: 'features_request'; readonly xid: number }
export interface FeaturesReply {
  readonly type: 'features_reply'; readonly xid: number;
  readonly datapathId: bigint; readonly nBuffers: number; readonly nTables: number; readonly auxiliaryId: number;
  readonly capabilities: number;
}
export interface ErrorMsg {
  readonly type: 'error'; readonly xid: number;
  readonly errType: number; readonly code: number; readonly data: Uint8Array;
}
export interface BarrierRequest { readonly type: 'barrier_request'; readonly xid: number }
export interface BarrierReply { readonly type: 'barrier_reply'; readonly xid: number }
export interface GetConfigRequest { readonly type: 'get_config_request'; readonly xid: number }
export interface SwitchConfig {
  readonly type: 'get_config_reply' | 'set_config'; readonly xid: number;
  readonly flags: number; readonly missSendLen: number;
}

/** OF1.4+ struct ofp_port; properties kept raw (the Ethernet property is type 0). */
export interface Port {
  readonly portNo: number;
  readonly hwAddr: Uint8Array;
  readonly name: string;
  readonly config: number;
  readonly state: number;
  readonly properties: readonly Property[];
}
export interface PortStatus { readonly type: 'port_status'; readonly xid: number; readonly reason: number; readonly port: Port }

export interface FlowMod {
  readonly type: 'flow_mod'; readonly xid: number;
  readonly cookie: bigint; readonly cookieMask: bigint; readonly tableId: number; readonly command: number;
  readonly idleTimeout: number; readonly hardTimeout: number; readonly priority: number; readonly bufferId: number;
  readonly outPort: number; readonly outGroup: number; readonly flags: number; readonly importance: number;
  readonly match: Match; readonly instructions: readonly Instruction[];
}

export interface Bucket {
  readonly bucketId: number;
  readonly actions: readonly Action[];
  /** OFPGBPT15_*: weight (0), watch_port (1), watch_group (2); kept raw in wire order. */
  readonly properties: readonly Property[];
}
export interface GroupMod {
  readonly type: 'group_mod'; readonly xid: number;
  readonly command: number; readonly groupType: number; readonly groupId: number; readonly commandBucketId: number;
  readonly buckets: readonly Bucket[]; readonly properties: readonly Property[];
}

export interface MeterBand {
  readonly bandType: number; readonly rate: number; readonly burstSize: number;
  /** Band-specific 4 bytes: drop = zeros, dscp_remark = prec_level + 3 zero bytes, experimenter = id. */
  readonly extra: number;
}
export interface MeterMod {
  readonly type: 'meter_mod'; readonly xid: number;
  readonly command: number; readonly flags: number; readonly meterId: number; readonly bands: readonly MeterBand[];
}

export interface PacketOut {
  readonly type: 'packet_out'; readonly xid: number;
  readonly bufferId: number; readonly match: Match; readonly actions: readonly Action[]; readonly data: Uint8Array;
}
export interface PacketIn {
  readonly type: 'packet_in'; readonly xid: number;
  readonly bufferId: number; readonly totalLen: number; readonly reason: number; readonly tableId: number;
  readonly cookie: bigint; readonly match: Match; readonly data: Uint8Array;
}

export interface BundleControl {
  readonly type: 'bundle_control'; readonly xid: number;
  readonly bundleId: number; readonly controlType: number; readonly flags: number; readonly properties: readonly Property[];
}
export interface BundleAddMessage {
  readonly type: 'bundle_add_message'; readonly xid: number;
  readonly bundleId: number; readonly flags: number;
  /** The inner message, whole (header included), kept as bytes and decodable with decodeMessage. */
  readonly message: Uint8Array;
  readonly properties: readonly Property[];
}

export interface FlowStatsRequest {
  readonly tableId: number; readonly outPort: number; readonly outGroup: number;
  readonly cookie: bigint; readonly cookieMask: bigint; readonly match: Match;
}
/** OXS statistic (class 0x8002 OpenFlow basic): field 0 duration, 1 idle_time, 3 flow_count, 4 packet_count, 5 byte_count. */
export interface OxsStat { readonly field: number; readonly value: Uint8Array }
export interface FlowDesc {
  readonly tableId: number; readonly priority: number; readonly idleTimeout: number; readonly hardTimeout: number;
  readonly flags: number; readonly importance: number; readonly cookie: bigint; readonly match: Match;
  readonly stats: readonly OxsStat[]; readonly instructions: readonly Instruction[];
}
/** One OFPMP_GROUP_DESC entry (OpenFlow 1.5 layout). */
export interface GroupDesc {
  readonly groupType: number; readonly groupId: number; readonly buckets: readonly Bucket[]; readonly properties: readonly Property[];
}
/** One OFPMP_METER_CONFIG entry (ofp13_meter_config). */
export interface MeterConfig { readonly flags: number; readonly meterId: number; readonly bands: readonly MeterBand[] }
/** OFPMP_GROUP_FEATURES reply (ofp12_group_features): bitmaps indexed by group type all/select/indirect/ff. */
export interface GroupFeatures {
  readonly types: number; readonly capabilities: number;
  readonly maxGroups: readonly [number, number, number, number];
  readonly actions: readonly [number, number, number, number];
}
/** OFPMP_METER_FEATURES reply (ofp13_meter_features). */
export interface MeterFeatures {
  readonly maxMeter: number; readonly bandTypes: number; readonly capabilities: number;
  readonly maxBands: number; readonly maxColor: number;
}
export type MultipartBody =
  | { readonly kind: 'flow_desc_request'; readonly request: FlowStatsRequest }
  | { readonly kind: 'flow_desc_reply'; readonly flows: readonly FlowDesc[] }
  | { readonly kind: 'port_desc_request'; readonly portNo: number }
  | { readonly kind: 'port_desc_reply'; readonly ports: readonly Port[] }
  | { readonly kind: 'group_desc_request'; readonly groupId: number }
  | { readonly kind: 'group_desc_reply'; readonly groups: readonly GroupDesc[] }
  | { readonly kind: 'meter_config_request'; readonly meterId: number }
  | { readonly kind: 'meter_config_reply'; readonly meters: readonly MeterConfig[] }
  | { readonly kind: 'group_features_request' }
  | { readonly kind: 'group_features_reply'; readonly features: GroupFeatures }
  | { readonly kind: 'meter_features_request' }
  | { readonly kind: 'meter_features_reply'; readonly features: MeterFeatures }
  /** Any other multipart type, body kept raw. */
  | { readonly kind: 'raw'; readonly mpType: number; readonly body: Uint8Array };
export interface MultipartRequest { readonly type: 'multipart_request'; readonly xid: number; readonly flags: number; readonly body: MultipartBody }
export interface MultipartReply { readonly type: 'multipart_reply'; readonly xid: number; readonly flags: number; readonly body: MultipartBody }

// Nicira vendor messages (OFPT_EXPERIMENTER, experimenter 0x00002320).
export interface NxSetFlowFormat { readonly type: 'nx_set_flow_format'; readonly xid: number; readonly format: number }
export interface NxFlowModTableId { readonly type: 'nx_flow_mod_table_id'; readonly xid: number; readonly set: number }
export interface NxSetPacketInFormat { readonly type: 'nx_set_packet_in_format'; readonly xid: number; readonly format: number }
export interface NxSetControllerId { readonly type: 'nx_set_controller_id'; readonly xid: number; readonly controllerId: number }
export interface TlvMap { readonly optionClass: number; readonly optionType: number; readonly optionLen: number; readonly index: number }
export interface NxTlvTableMod { readonly type: 'nx_tlv_table_mod'; readonly xid: number; readonly command: number; readonly mappings: readonly TlvMap[] }
export interface NxTlvTableRequest { readonly type: 'nx_tlv_table_request'; readonly xid: number }
export interface NxTlvTableReply {
  readonly type: 'nx_tlv_table_reply'; readonly xid: number;
  readonly maxOptionSpace: number; readonly maxFields: number; readonly mappings: readonly TlvMap[];
}
/** NXT_PACKET_IN2 and NXT_RESUME: property lists (NXPINT_*), see packet-in2.ts for typed access. */
export interface NxPacketIn2 { readonly type: 'nx_packet_in2'; readonly xid: number; readonly properties: readonly Property[] }
export interface NxResume { readonly type: 'nx_resume'; readonly xid: number; readonly properties: readonly Property[] }
export interface NxCtFlushZone { readonly type: 'nx_ct_flush_zone'; readonly xid: number; readonly zoneId: number }
/** Any other experimenter message, kept raw. */
export interface Experimenter {
  readonly type: 'experimenter'; readonly xid: number; readonly experimenter: number; readonly expType: number; readonly data: Uint8Array;
}

export type OfpMessage =
  | Hello | EchoRequest | EchoReply | FeaturesRequest | FeaturesReply | ErrorMsg | BarrierRequest | BarrierReply
  | GetConfigRequest | SwitchConfig | PortStatus | FlowMod | GroupMod | MeterMod | PacketOut | PacketIn
  | BundleControl | BundleAddMessage | MultipartRequest | MultipartReply
  | NxSetFlowFormat | NxFlowModTableId | NxSetPacketInFormat | NxSetControllerId | NxTlvTableMod | NxTlvTableRequest
  | NxTlvTableReply | NxPacketIn2 | NxResume | NxCtFlushZone | Experimenter;

export type OfpMessageType = OfpMessage['type'];
