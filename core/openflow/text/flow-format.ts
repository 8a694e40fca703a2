// Whole-flow text: the "ADD ..." body ovs-ofctl prints for a flow_mod and the dump-flows line.

import type { FlowDesc, FlowMod } from '../messages/types';
import { oxsField } from '../messages/multipart';
import { bytesToBigInt } from '../bytes';
import { formatMatch } from './match-format';
import { formatInstructions } from './action-format';

/** "priority=100,reg14=0x1 actions=..." (match then actions), as in ovs-ofctl's flow output. */
export function formatFlow(f: { match: FlowMod['match']; priority: number; instructions: FlowMod['instructions'] }): string {
  const m = formatMatch(f.match, f.priority);
  return `${m}${m ? ' ' : ''}actions=${formatInstructions(f.instructions)}`;
}

/** ofp_print_duration: whole seconds, then .mmm when exact in milliseconds, else .nnnnnnnnn. */
export function formatDuration(sec: bigint, nsec: bigint): string {
  if (nsec === 0n) return `${sec}s`;
  const ms = nsec / 1000000n;
  return ms * 1000000n === nsec ? `${sec}.${ms.toString().padStart(3, '0')}s` : `${sec}.${nsec.toString().padStart(9, '0')}s`;
}

const flowModFlagNames: ReadonlyArray<readonly [number, string]> = [
  [1, 'send_flow_rem'], [2, 'check_overlap'], [4, 'reset_counts'], [8, 'no_packet_counts'], [16, 'no_byte_counts'],
];

/** One line of `ovs-ofctl dump-flows` output (without the leading space ovs-ofctl adds), as ofputil_flow_stats_format. */
export function formatDumpFlow(f: FlowDesc): string {
  const stat = (field: number) => {
    const s = f.stats.find((x) => x.field === field);
    return s ? bytesToBigInt(s.value) : undefined;
  };
  let s = `cookie=0x${f.cookie.toString(16)}, `;
  const duration = stat(oxsField.duration) ?? 0xffffffff00000000n;
  s += `duration=${formatDuration(duration >> 32n, duration & 0xffffffffn)}, `;
  s += `table=${f.tableId}, `;
  s += `n_packets=${stat(oxsField.packetCount) ?? '?'}, `;
  s += `n_bytes=${stat(oxsField.byteCount) ?? '?'}, `;
  if (f.idleTimeout) s += `idle_timeout=${f.idleTimeout}, `;
  if (f.hardTimeout) s += `hard_timeout=${f.hardTimeout}, `;
  for (const [bit, name] of flowModFlagNames) if (f.flags & bit) s += `${name} `;
  if (f.importance) s += `importance=${f.importance}, `;
  const idle = stat(oxsField.idleTime);
  if (idle !== undefined) s += `idle_age=${idle >> 32n}, `;
  return s + formatFlow(f);
}
