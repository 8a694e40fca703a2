// Compares OpenFlow flow sets as text: ours (FlowMods printed as ovs-ofctl prints them) against what a real
// ovs-vswitchd holds (`ovs-ofctl dump-flows --no-stats`). Normalization removes what legitimately differs
// between two controllers: cookies, conjunction ids (upstream allocates them by hashing; each is renamed
// after the conj_id flow that uses it), group ids (replaced by the group's own text) and meter ids.
import { createHash } from 'node:crypto';
import { formatFlow, formatGroup, parseGroup, type FlowMod } from '../core/openflow';

export interface FlowLine {
  /** "table=T, priority=P,MATCH" */
  readonly key: string;
  /** The text after "actions=". */
  readonly actions: string;
}

export function splitFlowLine(line: string): FlowLine {
  const body = line.replace(/^ ?cookie=0x[0-9a-f]+, /, '');
  const i = body.lastIndexOf(' actions=');
  if (i < 0) throw new Error(`not a flow line: ${line}`);
  return { key: body.slice(0, i), actions: body.slice(i + ' actions='.length) };
}

/** Our flow as ovs-ofctl dump-flows --no-stats prints it, without the cookie. */
export function ourFlowLine(f: FlowMod): FlowLine {
  const table = f.tableId === 0 ? '' : `table=${f.tableId}, `;
  return splitFlowLine(table + formatFlow(f));
}

/**
 * Flows with the same table, priority and match are one flow on the switch: conjunction()-only flows merge
 * their actions (ovn-controller's ofctrl_add_or_append_flow), any other duplicate keeps the first.
 * Returns the merged flows and how many duplicates were dropped.
 */
export function mergeSameMatch(flows: readonly FlowLine[]): { flows: FlowLine[]; droppedCount: number } {
  const byKey = new Map<string, FlowLine[]>();
  for (const f of flows) {
    const list = byKey.get(f.key) ?? [];
    list.push(f);
    byKey.set(f.key, list);
  }
  const out: FlowLine[] = [];
  let droppedCount = 0;
  for (const [key, list] of byKey) {
    const conj = list.filter((f) => f.actions.startsWith('conjunction('));
    const other = list.filter((f) => !f.actions.startsWith('conjunction('));
    if (conj.length > 0) out.push({ key, actions: conj.map((f) => f.actions).join(',') });
    if (other.length > 0) out.push(other[0]!);
    droppedCount += Math.max(0, other.length - 1);
  }
  return { flows: out, droppedCount };
}

/** group id -> the group's text after "group_id=N," as dump-groups prints it. */
export function groupTextsFromDump(lines: readonly string[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of lines) {
    const m = /^ ?group_id=(\d+),(.*)$/.exec(l);
    if (m) out.set(Number(m[1]), m[2]!);
  }
  return out;
}

/** Our group descriptions (as handed to CompileContext.groupId) printed the way dump-groups prints them. */
export function groupTextsFromDescriptions(ids: ReadonlyMap<string, number>): Map<number, string> {
  const out = new Map<number, string>();
  for (const [desc, id] of ids) {
    const p = parseGroup(`group_id=${id},${desc}`);
    if (!p.ok) throw new Error(`our group description does not parse: ${p.error}: ${desc}`);
    out.set(id, formatGroup(p.groupMod).replace(/^group_id=\d+,/, ''));
  }
  return out;
}

function hash8(s: string): string {
  return createHash('sha1').update(s).digest('hex').slice(0, 8);
}

/** Normalized text lines of a flow set (in input order), ready to compare as multisets. */
export function normalizeFlows(flows: readonly FlowLine[], groups: ReadonlyMap<number, string>): string[] {
  const withIds = flows.map((f) => ({
    key: f.key,
    actions: f.actions
      .replace(/group:(\d+)/g, (_, id: string) => `group:[${groups.get(Number(id)) ?? `unknown group ${id}`}]`)
      .replace(/meter_id=\d+/g, 'meter_id=M')
      .replace(/meter:\d+/g, 'meter:M'),
  }));
  // Each conjunction id is named after its conj_id flow (table, priority, rest of the match, actions).
  const conjName = new Map<string, string>();
  for (const f of withIds) {
    const id = /(?:^|[ ,])conj_id=(\d+)/.exec(f.key)?.[1];
    if (id !== undefined) conjName.set(id, `c${hash8(`${f.key.replace(/conj_id=\d+/, 'conj_id=*')} ${f.actions}`)}`);
  }
  const name = (id: string) => conjName.get(id) ?? `orphan${id}`;
  return withIds.map((f) => {
    const key = f.key.replace(/conj_id=(\d+)/, (_, id: string) => `conj_id=${name(id)}`);
    let actions = f.actions;
    if (actions.startsWith('conjunction(')) {
      actions = [...actions.matchAll(/conjunction\((\d+),(\d+\/\d+)\)/g)].map((m) => `conjunction(${name(m[1]!)},${m[2]})`).sort().join(',');
    }
    return `${key} actions=${actions}`;
  });
}

export interface MultisetDiff {
  readonly common: number;
  readonly onlyA: string[];
  readonly onlyB: string[];
}

export function diffMultisets(a: readonly string[], b: readonly string[]): MultisetDiff {
  const count = new Map<string, number>();
  for (const x of b) count.set(x, (count.get(x) ?? 0) + 1);
  const onlyA: string[] = [];
  let common = 0;
  for (const x of a) {
    const n = count.get(x) ?? 0;
    if (n > 0) {
      common++;
      count.set(x, n - 1);
    } else {
      onlyA.push(x);
    }
  }
  const onlyB = [...count].flatMap(([x, n]) => Array<string>(n).fill(x));
  return { common, onlyA, onlyB };
}
