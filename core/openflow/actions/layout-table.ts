// Fixed-layout actions declared as data: each row gives the wire code and the body layout after the
// action header (type+len for standard actions; type+len+vendor+subtype for Nicira ones). A small
// generic engine (layout-engine.ts) decodes and encodes every row.

export type LayoutKind = 'u8' | 'u16' | 'u32' | 'u64' | `zero${number}`;

export interface LayoutRow {
  readonly type: string;
  readonly vendor: 'of' | 'nx';
  /** OFPAT_* type for 'of', NXAST_* subtype for 'nx'. */
  readonly code: number;
  /** Constant properties distinguishing rows that share an action type (e.g. resubmit variants). */
  readonly fixed?: Readonly<Record<string, string | number>>;
  readonly body: ReadonlyArray<readonly [string, LayoutKind]>;
}

export const layoutTable: readonly LayoutRow[] = [
  // Standard OpenFlow 1.1+ actions (header: u16 type, u16 len).
  { type: 'output', vendor: 'of', code: 0, body: [['port', 'u32'], ['maxLen', 'u16'], ['_', 'zero6']] },
  { type: 'dec_mpls_ttl', vendor: 'of', code: 16, body: [['_', 'zero4']] },
  { type: 'push_vlan', vendor: 'of', code: 17, body: [['ethertype', 'u16'], ['_', 'zero2']] },
  { type: 'pop_vlan', vendor: 'of', code: 18, body: [['_', 'zero4']] },
  { type: 'push_mpls', vendor: 'of', code: 19, body: [['ethertype', 'u16'], ['_', 'zero2']] },
  { type: 'pop_mpls', vendor: 'of', code: 20, body: [['ethertype', 'u16'], ['_', 'zero2']] },
  { type: 'set_queue', vendor: 'of', code: 21, body: [['queueId', 'u32']] },
  { type: 'group', vendor: 'of', code: 22, body: [['groupId', 'u32']] },
  { type: 'set_nw_ttl', vendor: 'of', code: 23, body: [['ttl', 'u8'], ['_', 'zero3']] },
  { type: 'dec_ttl', vendor: 'of', code: 24, body: [['_', 'zero4']] },
  { type: 'meter', vendor: 'of', code: 29, body: [['meterId', 'u32']] },
  // Nicira extensions (header: u16 0xffff, u16 len, u32 0x00002320, u16 subtype).
  { type: 'resubmit', vendor: 'nx', code: 1, fixed: { variant: 'port', table: 255 }, body: [['inPort', 'u16'], ['_', 'zero4']] },
  { type: 'resubmit', vendor: 'nx', code: 14, fixed: { variant: 'table' }, body: [['inPort', 'u16'], ['table', 'u8'], ['_', 'zero3']] },
  { type: 'resubmit', vendor: 'nx', code: 44, fixed: { variant: 'table_ct' }, body: [['inPort', 'u16'], ['table', 'u8'], ['_', 'zero3']] },
  { type: 'set_tunnel', vendor: 'nx', code: 2, body: [['_', 'zero2'], ['tunId', 'u32']] },
  { type: 'pop_queue', vendor: 'nx', code: 5, body: [['_', 'zero6']] },
  { type: 'set_tunnel64', vendor: 'nx', code: 9, body: [['_', 'zero6'], ['tunId', 'u64']] },
  { type: 'exit', vendor: 'nx', code: 17, body: [['_', 'zero6']] },
  { type: 'fin_timeout', vendor: 'nx', code: 19, body: [['idleTimeout', 'u16'], ['hardTimeout', 'u16'], ['_', 'zero2']] },
  { type: 'controller', vendor: 'nx', code: 20, body: [['maxLen', 'u16'], ['controllerId', 'u16'], ['reason', 'u8'], ['_', 'zero1']] },
  { type: 'write_metadata', vendor: 'nx', code: 22, body: [['_', 'zero6'], ['metadata', 'u64'], ['mask', 'u64']] },
  {
    type: 'sample', vendor: 'nx', code: 29, fixed: { variant: 'sample', samplingPort: 0xffff, direction: 0 },
    body: [['probability', 'u16'], ['collectorSetId', 'u32'], ['obsDomainId', 'u32'], ['obsPointId', 'u32']],
  },
  {
    type: 'conjunction', vendor: 'nx', code: 34, body: [['clause', 'u8'], ['nClauses', 'u8'], ['id', 'u32']],
  },
  {
    type: 'sample', vendor: 'nx', code: 38, fixed: { variant: 'sample2' },
    body: [['probability', 'u16'], ['collectorSetId', 'u32'], ['obsDomainId', 'u32'], ['obsPointId', 'u32'],
      ['samplingPort', 'u16'], ['direction', 'u8'], ['_', 'zero5']],
  },
  {
    type: 'sample', vendor: 'nx', code: 41, fixed: { variant: 'sample3' },
    body: [['probability', 'u16'], ['collectorSetId', 'u32'], ['obsDomainId', 'u32'], ['obsPointId', 'u32'],
      ['samplingPort', 'u16'], ['direction', 'u8'], ['_', 'zero5']],
  },
  { type: 'ct_clear', vendor: 'nx', code: 43, body: [['_', 'zero6']] },
];
