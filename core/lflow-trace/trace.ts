// One trace, end to end (upstream trace()): find the datapath (named, or from the microflow's inport),
// parse the microflow into a packet, walk the ingress pipeline and everything it leads to, and print the
// tree in the selected forms (--detailed by default; with several, each under a banner line).
import { LflowError } from '../lflow/errors';
import type { SyntaxExpr } from '../lflow/syntax';
import { formatFlow } from './flow-format';
import { findDatapath, type Datapath, type TraceDb } from './model';
import { parseMicroflow } from './microflow';
import { appendNode, printDetailed, printSummary, pruneMinimal, pruneSummary, type TraceNode } from './nodes';
import { Walker, type TraceOptions } from './walker';

export type TraceFormat = 'detailed' | 'summary' | 'minimal';

export interface TraceRequest extends TraceOptions {
  datapath: string | null;
  microflow: string;
  formats: readonly TraceFormat[];
  addressSets?: Record<string, string[]>;
  portGroups?: Record<string, string[]>;
}

/** A request that cannot be traced (unknown datapath or port, bad microflow): message and position. */
export class TraceError extends Error {
  constructor(message: string, readonly pos: number | null = null) {
    super(message);
    this.name = 'TraceError';
  }
}

export interface TraceResult {
  tree: TraceNode[];
  text: string;
}

function findInport(e: SyntaxExpr): string | null {
  if (e.type === 'cmp' && e.field.name === 'inport' && e.relop === '==' && e.set.values.length === 1) {
    const c = e.set.values[0]!;
    return c.kind === 'string' ? c.value : null;
  }
  if (e.type === 'and') {
    for (const o of e.operands) {
      const r = findInport(o);
      if (r !== null) return r;
    }
  }
  return null;
}

export function runTrace(db: TraceDb, req: TraceRequest): TraceResult {
  let parsed;
  try {
    parsed = parseMicroflow(req.microflow, db.symtab, req.addressSets, req.portGroups);
  } catch (e) {
    if (e instanceof LflowError) throw new TraceError(`error parsing flow: ${e.render(req.microflow)}`, e.pos);
    throw e;
  }
  let dp: Datapath | null;
  if (req.datapath !== null) {
    dp = findDatapath(db, req.datapath);
    if (!dp) throw new TraceError(`unknown datapath "${req.datapath}"`);
  } else {
    const inport = findInport(parsed.syntax);
    if (inport === null) throw new TraceError('error parsing flow: the microflow must say inport == "PORT" when no datapath is given');
    const port = db.ports.get(inport);
    if (!port) throw new TraceError(`unknown port "${inport}"`);
    dp = port.dp;
  }
  const pkt = parsed.packet;
  for (const key of ['inport', 'outport'] as const) {
    const name = pkt.getString(key);
    if (name !== '' && !dp.ports.has(name) && !dp.mcGroups.has(name)) throw new TraceError(`error parsing flow: ${key} "${name}" is not a port of datapath ${dp.name}`);
  }
  const header = `# ${formatFlow(pkt, dp)}`;
  const walker = new Walker(db, req);
  const inport = dp.ports.get(pkt.getString('inport'));
  const root: TraceNode[] = [];
  const node = appendNode(root, 'pipeline', `ingress(dp="${dp.friendly}", inport="${inport ? inport.friendly : '(unnamed)'}")`);
  walker.trace(dp, pkt, 0, 'ingress', node.subs);

  const out: string[] = [header];
  const multiple = req.formats.length > 1;
  for (const f of (['detailed', 'summary', 'minimal'] as const).filter((x) => req.formats.includes(x))) {
    if (multiple) out.push(`# ${f[0]!.toUpperCase()}${f.slice(1)} trace.`);
    if (f === 'detailed') out.push(...printDetailed(root));
    else if (f === 'summary') out.push(...printSummary(pruneSummary(root)));
    else out.push(...printSummary(pruneMinimal(root)));
  }
  return { tree: root, text: out.join('\n') + '\n' };
}
