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

/** One line of `ovs-ofctl dump-flows` output (without the leading space ovs-ofctl adds). */
export function formatDumpFlow(f: FlowDesc): string {
  const stat = (field: number) => {
    const s = f.stats.find((x) => x.field === field);
    return s ? bytesToBigInt(s.value) : undefined;
  };
  const parts: string[] = [`cookie=0x${f.cookie.toString(16)}`];
  const duration = stat(oxsField.duration);
  if (duration !== undefined) {
    const sec = duration >> 32n;
    const nsec = duration & 0xffffffffn;
    parts.push(`duration=${sec}.${(nsec / 1000000n).toString().padStart(3, '0')}s`);
  }
  parts.push(`table=${f.tableId}`);
  const packets = stat(oxsField.packetCount);
  const bytes = stat(oxsField.byteCount);
  if (packets !== undefined) parts.push(`n_packets=${packets}`);
  if (bytes !== undefined) parts.push(`n_bytes=${bytes}`);
  if (f.idleTimeout) parts.push(`idle_timeout=${f.idleTimeout}`);
  if (f.hardTimeout) parts.push(`hard_timeout=${f.hardTimeout}`);
  const idle = stat(oxsField.idleTime);
  if (idle !== undefined) parts.push(`idle_age=${idle >> 32n}`);
  return `${parts.join(', ')}, ${formatFlow(f)}`;
}
