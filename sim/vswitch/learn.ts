// The learn action: builds the flow_mod a learn(...) action adds, from its specs and the packet state
// (ovs-actions "The learn action": match specs copy a value into the new flow's match, load specs become
// load actions, output specs an output to the port held in a field).
import { fieldBytes, type Action, type FlowMod, type LearnAction, type OxmEntry } from '../../core/openflow';
import { bytesToBig, fieldParts, getField, type Slots } from './fields';

function toBytes(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function bitsMask(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

export function buildLearnedFlow(a: LearnAction, s: Slots): FlowMod {
  const match: OxmEntry[] = [];
  const actions: Action[] = [];
  for (const spec of a.specs) {
    const src = spec.src instanceof Uint8Array
      ? bytesToBig(spec.src) & bitsMask(spec.nBits)
      : ((getField(s, fieldParts(spec.src.field)) ?? 0n) >> BigInt(spec.src.ofs)) & bitsMask(spec.nBits);
    if (spec.dst === 'output') {
      actions.push({ type: 'output', port: Number(src), maxLen: 0 });
      continue;
    }
    const d = spec.dstField!;
    const n = fieldBytes(d.field);
    const value = toBytes(src << BigInt(d.ofs), n);
    const whole = d.ofs === 0 && d.nBits === d.field.bits;
    const mask = whole ? undefined : toBytes(bitsMask(d.nBits) << BigInt(d.ofs), n);
    const entry: OxmEntry = { field: d.field, code: d.code, value, ...(mask ? { mask } : {}) };
    if (spec.dst === 'match') match.push(entry);
    else actions.push({ type: 'set_field', entry });
  }
  return {
    type: 'flow_mod', xid: 0, cookie: a.cookie, cookieMask: 0n, tableId: a.tableId, command: 0,
    idleTimeout: a.idleTimeout, hardTimeout: a.hardTimeout, priority: a.priority, bufferId: 0xffffffff,
    outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, importance: 0, match,
    instructions: actions.length ? [{ type: 'apply_actions', actions }] : [],
  };
}
