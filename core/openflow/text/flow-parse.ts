// Parses a whole ovs-ofctl flow ("table=8,priority=50,reg14=0x1 actions=...") into a FLOW_MOD (add).

import type { FlowMod } from '../messages/types';
import { FlowSyntaxError, parseSmall, splitTopLevel } from './lex';
import { applyMatchToken, encodeFlowView, parsePort, parseU64 } from './match-parse';
import { parseInstructions } from './action-parse';
import type { FlowView } from './match-format';

export type ParsedFlow = { ok: true; flowMod: FlowMod } | { ok: false; error: string };

/** FLOW_MOD commands by ovs-ofctl verb: add-flow, mod-flows, mod-flows --strict, del-flows, del-flows --strict. */
export const flowModCommands = { add: 0, modify: 1, modify_strict: 2, delete: 3, delete_strict: 4 } as const;
export type FlowModCommand = keyof typeof flowModCommands;

const tableAll = 255;
const u64Max = 0xffffffffffffffffn;

/**
 * Parses a flow as ovs-ofctl does for `command`: "actions=" is required except for deletes (where it is
 * not allowed); the table defaults to all tables (255) for deletes and to 0 otherwise; modify/delete accept
 * cookie=V/M, and out_port/out_group filters.
 */
export function parseFlow(text: string, xid = 0, command: FlowModCommand = 'add'): ParsedFlow {
  try {
    return { ok: true, flowMod: parseFlowOrThrow(text, xid, command) };
  } catch (e) {
    if (e instanceof FlowSyntaxError || e instanceof RangeError) return { ok: false, error: e.message };
    throw e;
  }
}

function parseFlowOrThrow(text: string, xid: number, command: FlowModCommand): FlowMod {
  const isDelete = command === 'delete' || command === 'delete_strict';
  const at = text.search(/(^|[\s,])actions=/);
  if (at < 0 && !isDelete) throw new FlowSyntaxError(text, 'missing "actions="');
  if (at >= 0 && isDelete) throw new FlowSyntaxError(text, '"actions=" is not allowed when deleting flows');
  const matchText = at < 0 ? text : text.slice(0, at);
  const actionsText = at < 0 ? '' : text.slice(text.indexOf('actions=', at) + 'actions='.length);
  const view: FlowView = new Map();
  let tableId = isDelete ? tableAll : 0;
  let priority = 0x8000;
  let cookie = 0n;
  let cookieMask = 0n;
  let outPort = 0xffffffff;
  let outGroup = 0xffffffff;
  let idleTimeout = 0;
  let hardTimeout = 0;
  let importance = 0;
  for (const tok of splitTopLevel(matchText, true)) {
    const eq = tok.indexOf('=');
    const key = eq < 0 ? tok : tok.slice(0, eq);
    const value = eq < 0 ? undefined : tok.slice(eq + 1);
    switch (key) {
      case 'table': tableId = parseSmall(value ?? '', 'table', 254); break;
      case 'priority': priority = parseSmall(value ?? '', 'priority', 0xffff); break;
      case 'cookie': {
        const [v, m] = (value ?? '').split('/');
        cookie = parseU64(v ?? '', 'cookie');
        if (m !== undefined) {
          if (command === 'add') throw new FlowSyntaxError(tok, 'a cookie mask is only allowed when modifying or deleting');
          cookieMask = m === '-1' ? u64Max : parseU64(m, 'cookie mask');
          cookie &= cookieMask;
        }
        break;
      }
      case 'out_port': {
        const p = parsePort(value ?? '');
        outPort = p >= 0xff00 ? p + 0xffff0000 : p;
        break;
      }
      case 'out_group': outGroup = parseSmall(value ?? '', 'out_group', 0xffffffff); break;
      case 'idle_timeout': idleTimeout = parseSmall(value ?? '', 'idle_timeout', 0xffff); break;
      case 'hard_timeout': hardTimeout = parseSmall(value ?? '', 'hard_timeout', 0xffff); break;
      case 'importance': importance = parseSmall(value ?? '', 'importance', 0xffff); break;
      default: applyMatchToken(view, key, value);
    }
  }
  return {
    type: 'flow_mod', xid, cookie, cookieMask, tableId, command: flowModCommands[command], idleTimeout, hardTimeout, priority,
    bufferId: 0xffffffff, outPort, outGroup, flags: 0, importance,
    match: encodeFlowView(view), instructions: parseInstructions(actionsText),
  };
}
