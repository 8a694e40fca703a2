// Parses a whole ovs-ofctl flow ("table=8,priority=50,reg14=0x1 actions=...") into a FLOW_MOD (add).

import type { FlowMod } from '../messages/types';
import { FlowSyntaxError, parseSmall, splitTopLevel } from './lex';
import { applyMatchToken, encodeFlowView, parseU64 } from './match-parse';
import { parseInstructions } from './action-parse';
import type { FlowView } from './match-format';

export type ParsedFlow = { ok: true; flowMod: FlowMod } | { ok: false; error: string };

export function parseFlow(text: string, xid = 0): ParsedFlow {
  try {
    return { ok: true, flowMod: parseFlowOrThrow(text, xid) };
  } catch (e) {
    if (e instanceof FlowSyntaxError || e instanceof RangeError) return { ok: false, error: e.message };
    throw e;
  }
}

function parseFlowOrThrow(text: string, xid: number): FlowMod {
  const at = text.search(/(^|[\s,])actions=/);
  if (at < 0) throw new FlowSyntaxError(text, 'missing "actions="');
  const matchText = text.slice(0, at);
  const actionsText = text.slice(text.indexOf('actions=', at) + 'actions='.length);
  const view: FlowView = new Map();
  let tableId = 0;
  let priority = 0x8000;
  let cookie = 0n;
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
      case 'cookie': cookie = parseU64(value ?? '', 'cookie'); break;
      case 'idle_timeout': idleTimeout = parseSmall(value ?? '', 'idle_timeout', 0xffff); break;
      case 'hard_timeout': hardTimeout = parseSmall(value ?? '', 'hard_timeout', 0xffff); break;
      case 'importance': importance = parseSmall(value ?? '', 'importance', 0xffff); break;
      default: applyMatchToken(view, key, value);
    }
  }
  return {
    type: 'flow_mod', xid, cookie, cookieMask: 0n, tableId, command: 0, idleTimeout, hardTimeout, priority,
    bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, importance,
    match: encodeFlowView(view), instructions: parseInstructions(actionsText),
  };
}
