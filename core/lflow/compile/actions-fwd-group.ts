// fwd_group(liveness = true|false, childports = "p1", "p2", ...) (lib/actions.c parse_fwd_group_action,
// encode_FWD_GROUP): a dp_hash select group with one bucket per child port that sets the logical output
// port and resubmits to the output stage. With liveness each bucket watches the tunnel to the port's
// chassis, so BFD takes dead chassis out of the selection. Like upstream, a child port unknown here (or,
// with liveness, without a tunnel) drops the whole action, and no child ports means no action.
import type { ActionArg } from '../action-syntax';
import { LflowError } from '../errors';
import type { StatementEncoder } from './actions';
import { ofTables } from './context';
import { termPos } from './encoder';

/** The table `output` resubmits to from each pipeline (upstream output_ptable: OFTABLE_OUTPUT_INIT or SAVE_INPORT). */
const outputInitTable = 37;

function liveness(a: ActionArg): boolean {
  const t = a.terms[0];
  const text = t?.kind === 'name' && t.ref.bits === null ? t.ref.name : t?.kind === 'const' && t.c.kind === 'string' ? t.c.value : null;
  if (a.terms.length !== 1 || (text !== 'true' && text !== 'false')) throw new LflowError(t ? termPos(t) : a.pos, 'Syntax error: expecting true or false.');
  return text === 'true';
}

function childPorts(args: readonly ActionArg[]): string[] {
  const ports: string[] = [];
  args.forEach((a, i) => {
    if ((i === 0) !== (a.key === 'childports')) throw new LflowError(a.pos, 'Syntax error: expecting childports = "port", ...');
    for (const t of a.terms) {
      if (t.kind !== 'const' || t.c.kind !== 'string') throw new LflowError(termPos(t), 'Syntax error: expecting logical switch port.');
      ports.push(t.c.value);
    }
  });
  return ports;
}

export const fwdGroup: StatementEncoder = (st, s, out) => {
  const args = s.type === 'action' ? s.args ?? [] : s.args;
  const live = args[0]?.key === 'liveness' ? liveness(args[0]) : false;
  const ports = childPorts(args[0]?.key === 'liveness' ? args.slice(1) : args);
  if (ports.length === 0) return;
  const output = st.pipeline === 'ingress' ? outputInitTable : ofTables.saveInport;
  let g = 'type=select,selection_method=dp_hash';
  for (const p of ports) {
    const key = st.ctx.lookupPort(p);
    if (key === undefined) return;
    g += ',bucket=';
    if (live) {
      const ofport = st.ctx.tunnelOfport?.(p);
      if (ofport === undefined) return;
      g += `watch_port:${ofport},`;
    }
    // Upstream prints the decimal key after "0x", so OVS reads it as hex (key 10 loads 0x10); kept as is.
    g += `load=0x${key}->NXM_NX_REG15[0..15],resubmit(,${output})`;
  }
  out.push({ type: 'group', groupId: st.ctx.groupId(g) });
};
