// The trace tree and its three printings, as upstream ovn-trace defines them: --detailed prints every
// node (titles underlined, tail calls not indented), --summary drops table and modification nodes and
// prints nested braces, --minimal keeps only packet modifications, errors and transformations.
export type NodeType = 'output' | 'modify' | 'action' | 'error' | 'pipeline' | 'table' | 'transformation';

export interface TraceNode {
  type: NodeType;
  name: string;
  alwaysIndent: boolean;
  subs: TraceNode[];
}

export function appendNode(list: TraceNode[], type: NodeType, name: string): TraceNode {
  const n: TraceNode = { type, name, alwaysIndent: false, subs: [] };
  list.push(n);
  return n;
}

/** Upstream names these "terminal" although they may hold children; it decides indentation only. */
function indentsAlways(t: NodeType): boolean {
  return t === 'output' || t === 'modify' || t === 'action' || t === 'error';
}

export function printDetailed(nodes: readonly TraceNode[], level = 0, out: string[] = []): string[] {
  nodes.forEach((sub, i) => {
    if (sub.type === 'modify') return;
    const more = i !== nodes.length - 1 || sub.alwaysIndent || indentsAlways(sub.type) ? 1 : 0;
    const title = sub.type === 'pipeline' || sub.type === 'transformation';
    const pad = ' '.repeat((level + more) * 4);
    if (title) out.push('');
    out.push(pad + sub.name);
    if (title) out.push(pad + '-'.repeat(sub.name.length));
    printDetailed(sub.subs, level + 2 * more, out);
  });
  return out;
}

function prune(nodes: readonly TraceNode[], drop: ReadonlySet<NodeType>): TraceNode[] {
  const out: TraceNode[] = [];
  for (const n of nodes) {
    const subs = prune(n.subs, drop);
    if (drop.has(n.type)) out.push(...subs);
    else out.push({ ...n, subs });
  }
  return out;
}

export function pruneSummary(nodes: readonly TraceNode[]): TraceNode[] {
  return prune(nodes, new Set<NodeType>(['modify', 'table']));
}

export function pruneMinimal(nodes: readonly TraceNode[]): TraceNode[] {
  return prune(nodes, new Set<NodeType>(['action', 'pipeline', 'table', 'output']));
}

export function printSummary(nodes: readonly TraceNode[], level = 0, out: string[] = []): string[] {
  for (const sub of nodes) {
    if (sub.type === 'action' && sub.name.startsWith('next(')) continue;
    const pad = ' '.repeat(level * 4);
    let line = pad + sub.name;
    if (sub.subs.length > 0) {
      out.push(line + ' {');
      printSummary(sub.subs, level + 1, out);
      line = pad + '}';
    }
    if (sub.type !== 'action') line += ';';
    out.push(line);
  }
  return out;
}
