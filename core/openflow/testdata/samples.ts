// Sample messages and actions covering every codec path; used by the round-trip, ovs-ofctl and fuzz tests.

import type { Action } from '../actions/types';
import { ofppController, ofppInPort } from '../actions/types';
import { fromHex } from '../bytes';
import type { Match } from '../match';
import type { OfpMessage } from '../messages/types';
import type { OxmEntry, Subfield } from '../oxm';
import { ethernetPortProperty } from '../messages/port';
import { weightProperty } from '../messages/group-meter';
import { makeOxsStats } from '../messages/multipart';
import { packetIn2Properties } from '../messages/packet-in2';
import { matchEntry, subfield } from '../build';
import { encodeMessage } from '../messages/codec';

export function sf(codeName: string, ofs: number, nBits?: number): Subfield {
  return subfield(codeName, ofs, nBits);
}

/** An OXM entry for field `name` in the encoding OVS uses for OpenFlow 1.5, value and mask in hex. */
export function oxm(name: string, valueHex: string, maskHex?: string): OxmEntry {
  return maskHex === undefined ? matchEntry(name, fromHex(valueHex)) : matchEntry(name, fromHex(valueHex), fromHex(maskHex));
}

/**
 * A continuation with one NXCPT_BRIDGE (0x8000) property holding a UUID, as OVS would send. Nested property
 * lists start 8-byte aligned, hence the 4 zero bytes after the outer property header.
 */
const sampleContinuation = fromHex('00000000' + '80000014' + '0123456789abcdef0123456789abcdef' + '00000000');

export const sampleMatch: Match = [
  oxm('eth_type', '0800'),
  oxm('ip_src', '0a000000', 'ffffff00'),
  oxm('xreg7', '0000000100000000', 'ffffffff00000000'),
  oxm('ct_state', '00000021', '00000023'),
  oxm('metadata', '0000000000000001'),
];

export const sampleActions: Action[] = [
  { type: 'output', port: 5, maxLen: 0 },
  { type: 'output', port: ofppController, maxLen: 0xffff },
  { type: 'group', groupId: 7 },
  { type: 'set_queue', queueId: 2 },
  { type: 'push_vlan', ethertype: 0x8100 },
  { type: 'pop_vlan' },
  { type: 'dec_ttl' },
  { type: 'set_nw_ttl', ttl: 64 },
  { type: 'push_mpls', ethertype: 0x8847 },
  { type: 'pop_mpls', ethertype: 0x0800 },
  { type: 'dec_mpls_ttl' },
  { type: 'meter', meterId: 3 },
  { type: 'set_field', entry: oxm('reg15', '00000001') },
  { type: 'set_field', entry: oxm('reg3', '00000005', '000000ff') },
  { type: 'set_field', entry: oxm('eth_src', 'fa163e000001') },
  { type: 'copy_field', src: sf('OXM_OF_IPV4_DST', 0), dst: sf('NXM_NX_XXREG0', 96, 32) },
  { type: 'resubmit', variant: 'port', inPort: 3, table: 255 },
  { type: 'resubmit', variant: 'table', inPort: 0xfff8, table: 37 },
  { type: 'resubmit', variant: 'table_ct', inPort: 0xfff8, table: 40 },
  { type: 'set_tunnel', tunId: 5 },
  { type: 'set_tunnel64', tunId: 0x123456789n },
  { type: 'pop_queue' },
  { type: 'note', data: fromHex('010203000000') },
  { type: 'output_reg', variant: 'reg', src: sf('NXM_NX_REG15', 0, 16), maxLen: 0 },
  { type: 'output_reg', variant: 'reg2', src: sf('NXM_NX_REG15', 0, 32), maxLen: 0xffff },
  { type: 'exit' },
  { type: 'ct_clear' },
  { type: 'fin_timeout', idleTimeout: 10, hardTimeout: 0 },
  { type: 'controller', maxLen: 0xffff, controllerId: 0, reason: 1 },
  {
    type: 'controller2', maxLen: 128, reason: 0, userdata: fromHex('000000010000000000'), pause: true, controllerId: 2,
    order: ['max_len', 'controller_id', 'reason', 'userdata', 'pause'],
  },
  { type: 'write_metadata', metadata: 5n, mask: 0xffn },
  { type: 'sample', variant: 'sample', probability: 65535, collectorSetId: 1, obsDomainId: 2, obsPointId: 3, samplingPort: 0xffff, direction: 0 },
  { type: 'sample', variant: 'sample2', probability: 10, collectorSetId: 1, obsDomainId: 2, obsPointId: 3, samplingPort: 7, direction: 0 },
  { type: 'sample', variant: 'sample3', probability: 100, collectorSetId: 1, obsDomainId: 2, obsPointId: 3, samplingPort: 4, direction: 1 },
  { type: 'conjunction', id: 100, clause: 0, nClauses: 2 },
  {
    type: 'ct', flags: 1, zoneSrc: sf('NXM_NX_REG13', 0, 16), zoneImm: 0, recircTable: 17, alg: 0,
    actions: [
      { type: 'nat', flags: 1 | 16, rangePresent: 1 | 2 | 16 | 32, ipv4Min: fromHex('0a000001'), ipv4Max: fromHex('0a000005'), protoMin: 100, protoMax: 200 },
      { type: 'set_field', entry: oxm('ct_mark', '00000001', '00000001') },
    ],
  },
  { type: 'ct', flags: 0, zoneImm: 5, recircTable: 255, alg: 21, actions: [{ type: 'nat', flags: 0, rangePresent: 0 }] },
  { type: 'nat', flags: 2, rangePresent: 4, ipv6Min: fromHex('fd000000000000000000000000000001') },
  { type: 'clone', actions: [{ type: 'ct_clear' }, { type: 'resubmit', variant: 'table', inPort: 0xfff8, table: 40 }] },
  { type: 'dec_ttl_cnt_ids', ids: [1, 2, 3] },
  { type: 'check_pkt_larger', pktLen: 1514, dst: sf('NXM_NX_REG9', 1, 1) },
  {
    type: 'learn', variant: 'learn', idleTimeout: 30, hardTimeout: 0, priority: 100, cookie: 0x1234n, flags: 2, tableId: 66,
    finIdleTimeout: 0, finHardTimeout: 0, limit: 0,
    specs: [
      { src: sf('NXM_NX_REG0', 0), dst: 'match', dstField: sf('NXM_NX_REG0', 0), nBits: 32 },
      { src: fromHex('0800'), dst: 'match', dstField: sf('NXM_OF_ETH_TYPE', 0), nBits: 16 },
      { src: sf('NXM_OF_ETH_SRC', 0), dst: 'load', dstField: sf('NXM_OF_ETH_DST', 0), nBits: 48 },
      { src: fromHex('0001'), dst: 'load', dstField: sf('NXM_NX_REG10', 7, 1), nBits: 1 },
      { src: sf('NXM_OF_IN_PORT', 0), dst: 'output', nBits: 16 },
    ],
  },
  {
    type: 'learn', variant: 'learn2', idleTimeout: 0, hardTimeout: 0, priority: 0x8000, cookie: 0n, flags: 4, tableId: 10,
    finIdleTimeout: 0, finHardTimeout: 0, limit: 10, resultDst: sf('NXM_NX_REG0', 3, 1),
    specs: [{ src: sf('NXM_NX_REG1', 0), dst: 'match', dstField: sf('NXM_NX_REG1', 0), nBits: 32 }],
  },
  { type: 'stack_push', field: sf('NXM_NX_REG0', 0) },
  { type: 'stack_pop', field: sf('NXM_NX_XXREG0', 96, 32) },
  { type: 'multipath', fields: 0, basis: 50, algorithm: 2, maxLink: 11, arg: 0, dst: sf('NXM_NX_REG0', 0, 4) },
];

/** A minimal valid FLOW_MOD (xid 14) to carry inside a bundle. */
function innerFlowMod(): Uint8Array {
  return encodeMessage({
    type: 'flow_mod', xid: 14, cookie: 0n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0,
    priority: 1, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, importance: 0, match: [],
    instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 1, maxLen: 0 }] }],
  });
}

export function sampleMessages(): OfpMessage[] {
  const port = {
    portNo: 1, hwAddr: fromHex('aabbccddeeff'), name: 'vif1', config: 0, state: 4,
    properties: [ethernetPortProperty(0x820, 10000000, 10000000)],
  };
  return [
    { type: 'hello', xid: 1, versions: [6] },
    { type: 'hello', xid: 2, versions: [1, 4, 5, 6] },
    { type: 'echo_request', xid: 3, data: fromHex('0102') },
    { type: 'echo_reply', xid: 3, data: new Uint8Array(0) },
    { type: 'features_request', xid: 4 },
    { type: 'features_reply', xid: 4, datapathId: 0xabcdn, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f },
    { type: 'error', xid: 5, errType: 2, code: 4, data: fromHex('0600000800000001') },
    { type: 'barrier_request', xid: 6 },
    { type: 'barrier_reply', xid: 6 },
    { type: 'get_config_request', xid: 7 },
    { type: 'get_config_reply', xid: 7, flags: 0, missSendLen: 0xffff },
    { type: 'set_config', xid: 8, flags: 0, missSendLen: 128 },
    { type: 'port_status', xid: 0, reason: 0, port },
    {
      type: 'flow_mod', xid: 9, cookie: 0x10n, cookieMask: 0n, tableId: 8, command: 0, idleTimeout: 0, hardTimeout: 0,
      priority: 100, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, importance: 0,
      match: sampleMatch,
      instructions: [
        // OVS rejects conjunction mixed with other actions, so it is left out here (covered alone elsewhere).
        { type: 'apply_actions', actions: sampleActions.filter((a) => a.type !== 'conjunction') },
        { type: 'clear_actions' },
        { type: 'write_actions', actions: [{ type: 'output', port: 2, maxLen: 0 }] },
        { type: 'write_metadata', metadata: 1n, mask: 0xffn },
        { type: 'goto_table', tableId: 9 },
      ],
    },
    {
      type: 'group_mod', xid: 10, command: 0, groupType: 1, groupId: 1, commandBucketId: 0xffffffff, properties: [],
      buckets: [
        { bucketId: 0, actions: [{ type: 'set_field', entry: oxm('reg0', '0a000005') }, { type: 'resubmit', variant: 'table', inPort: ofppInPort & 0xffff, table: 16 }], properties: [weightProperty(100)] },
        { bucketId: 1, actions: [{ type: 'ct', flags: 1, zoneImm: 3, recircTable: 16, alg: 0, actions: [] }], properties: [weightProperty(100)] },
      ],
    },
    { type: 'meter_mod', xid: 11, command: 0, flags: 0x1 | 0x8, meterId: 1, bands: [{ bandType: 1, rate: 1000, burstSize: 100, extra: 0 }] },
    { type: 'packet_out', xid: 12, bufferId: 0xffffffff, match: [oxm('in_port_oxm', 'fffffffd'), oxm('reg14', '00000001')], actions: [{ type: 'resubmit', variant: 'table', inPort: 0xfff8, table: 8 }], data: fromHex('ffffffffffff0000000000010806') },
    { type: 'packet_in', xid: 0, bufferId: 0xffffffff, totalLen: 14, reason: 1, tableId: 8, cookie: 0x55n, match: [oxm('in_port_oxm', '00000005'), oxm('metadata', '0000000000000001')], data: fromHex('ffffffffffff0000000000010806') },
    { type: 'bundle_control', xid: 13, bundleId: 1, controlType: 0, flags: 3, properties: [] },
    { type: 'bundle_add_message', xid: 14, bundleId: 1, flags: 3, message: innerFlowMod(), properties: [] },
    {
      type: 'multipart_request', xid: 15, flags: 0,
      body: { kind: 'flow_desc_request', request: { tableId: 255, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] } },
    },
    {
      type: 'multipart_reply', xid: 15, flags: 0,
      body: {
        kind: 'flow_desc_reply',
        flows: [{
          tableId: 0, priority: 100, idleTimeout: 0, hardTimeout: 0, flags: 0, importance: 0, cookie: 1n, match: sampleMatch,
          stats: makeOxsStats({ durationSec: 5, durationNsec: 0, packets: 1n, bytes: 60n }),
          instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 1, maxLen: 0 }] }],
        }],
      },
    },
    { type: 'multipart_request', xid: 16, flags: 0, body: { kind: 'port_desc_request', portNo: 0xffffffff } },
    { type: 'multipart_reply', xid: 16, flags: 0, body: { kind: 'port_desc_reply', ports: [port] } },
    { type: 'multipart_request', xid: 17, flags: 0, body: { kind: 'raw', mpType: 0, body: new Uint8Array(0) } },
    { type: 'multipart_request', xid: 27, flags: 0, body: { kind: 'group_features_request' } },
    {
      type: 'multipart_reply', xid: 27, flags: 0,
      body: { kind: 'group_features_reply', features: { types: 15, capabilities: 5, maxGroups: [1024, 1024, 1024, 1024], actions: [1, 1, 1, 1] } },
    },
    { type: 'multipart_request', xid: 28, flags: 0, body: { kind: 'meter_features_request' } },
    {
      type: 'multipart_reply', xid: 28, flags: 0,
      body: { kind: 'meter_features_reply', features: { maxMeter: 200000, bandTypes: 2, capabilities: 0xf, maxBands: 1, maxColor: 0 } },
    },
    { type: 'nx_set_flow_format', xid: 18, format: 2 },
    { type: 'nx_flow_mod_table_id', xid: 19, set: 1 },
    { type: 'nx_set_packet_in_format', xid: 20, format: 2 },
    { type: 'nx_set_controller_id', xid: 21, controllerId: 7 },
    { type: 'nx_tlv_table_mod', xid: 22, command: 0, mappings: [{ optionClass: 0x102, optionType: 0x80, optionLen: 4, index: 0 }] },
    { type: 'nx_tlv_table_request', xid: 23 },
    { type: 'nx_tlv_table_reply', xid: 23, maxOptionSpace: 256, maxFields: 64, mappings: [{ optionClass: 0x102, optionType: 0x80, optionLen: 4, index: 0 }] },
    {
      type: 'nx_packet_in2', xid: 0,
      properties: packetIn2Properties({
        packet: fromHex('ffffffffffff00000000000108060001'), fullLen: 16, tableId: 21, cookie: 0x1234n, reason: 1,
        metadata: [oxm('metadata', '0000000000000003'), oxm('reg14', '00000001'), oxm('in_port', '0005')],
        userdata: fromHex('0000000000000000'), continuation: sampleContinuation,
      }),
    },
    { type: 'nx_resume', xid: 24, properties: packetIn2Properties({ packet: fromHex('0102030405'), continuation: sampleContinuation }) },
    { type: 'nx_ct_flush_zone', xid: 25, zoneId: 7 },
    { type: 'experimenter', xid: 26, experimenter: 0x4f4e4600, expType: 1, data: fromHex('00000000') },
  ];
}
