// OpenFlow 1.1+ instructions (OFPIT_*): goto_table, write_metadata, write/apply/clear actions, meter.

import { Reader, Writer } from './bytes';
import { readActions, writeActions } from './actions/codec';
import type { Action } from './actions/types';

export type Instruction =
  | { readonly type: 'goto_table'; readonly tableId: number }
  | { readonly type: 'write_metadata'; readonly metadata: bigint; readonly mask: bigint }
  | { readonly type: 'write_actions'; readonly actions: readonly Action[] }
  | { readonly type: 'apply_actions'; readonly actions: readonly Action[] }
  | { readonly type: 'clear_actions' }
  | { readonly type: 'meter'; readonly meterId: number };

export const ofpit = {
  goto_table: 1, write_metadata: 2, write_actions: 3, apply_actions: 4, clear_actions: 5, meter: 6,
} as const;
export const maxInstructionsPerFlow = 16;

export function readInstructions(r: Reader): Instruction[] {
  const out: Instruction[] = [];
  while (!r.atEnd()) {
    if (out.length >= maxInstructionsPerFlow) r.fail(`more than ${maxInstructionsPerFlow} instructions`);
    const start = r.offset;
    const type = r.u16('instruction type');
    const len = r.u16('instruction length');
    if (len < 8 || len % 8 !== 0) r.fail(`instruction ${type}: bad length ${len}`, start);
    const name = Object.entries(ofpit).find(([, v]) => v === type)?.[0];
    const body: Reader = r.sub(len - 4, name ? `OFPIT_${name.toUpperCase()}` : `OFPIT ${type}`);
    switch (type) {
      case ofpit.goto_table: {
        const tableId = body.u8('table_id');
        body.zeros(3);
        out.push({ type: 'goto_table', tableId });
        break;
      }
      case ofpit.write_metadata: {
        body.zeros(4);
        out.push({ type: 'write_metadata', metadata: body.u64('metadata'), mask: body.u64('metadata_mask') });
        break;
      }
      case ofpit.write_actions:
      case ofpit.apply_actions: {
        body.zeros(4);
        const actions = readActions(body);
        out.push({ type: type === ofpit.write_actions ? 'write_actions' : 'apply_actions', actions });
        break;
      }
      case ofpit.clear_actions:
        body.zeros(4);
        out.push({ type: 'clear_actions' });
        break;
      case ofpit.meter:
        out.push({ type: 'meter', meterId: body.u32('meter_id') });
        break;
      default:
        body.fail(`unknown instruction type ${type}`, start);
    }
    if (!body.atEnd()) body.fail(`${body.remaining} trailing bytes in instruction ${type}`);
  }
  return out;
}

export function writeInstructions(w: Writer, instructions: readonly Instruction[]): void {
  for (const ins of instructions) {
    const start = w.length;
    w.u16(ofpit[ins.type]).u16(0);
    switch (ins.type) {
      case 'goto_table': w.u8(ins.tableId).zeros(3); break;
      case 'write_metadata': w.zeros(4).u64(ins.metadata).u64(ins.mask); break;
      case 'write_actions':
      case 'apply_actions': w.zeros(4); writeActions(w, ins.actions); break;
      case 'clear_actions': w.zeros(4); break;
      case 'meter': w.u32(ins.meterId); break;
    }
    w.setU16(start + 2, w.length - start);
  }
}
