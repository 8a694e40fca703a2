// The walk (upstream ovn-trace's trace__ and execute_*): look the packet up in each logical table of a
// datapath's pipeline, run the matched flow's actions, and follow next/output into later tables, the
// egress pipeline, multicast groups and, through patch and l3gateway ports, the peer datapath's ingress.
// Stateful actions follow ovn-trace(8)'s assumptions: ct_next reports the next --ct state (default
// est|trk), ct_dnat/ct_snat/ct_lb fork into the next table, ct_commit/put_arp do nothing.
import type { Statement } from '../lflow/action-syntax';
import { evaluate } from '../lflow/evaluate';
import { printStatement } from '../lflow/print-actions';
import { printFieldRef } from '../lflow/print-syntax';
import type { FieldRef } from '../lflow/syntax';
import { assert } from '../util/assert';
import type { Datapath, Flow, McGroup, Pipeline, Port, TraceDb } from './model';
import { appendNode, type TraceNode } from './nodes';
import type { TracePacket } from './packet';
import { logArgs, runAction, runResult } from './statements';
import { formatCtState, formatOption, formatValue, type LbDst } from './helpers';

const optionActions: ReadonlySet<string> = new Set(['put_dhcp_opts', 'put_dhcpv6_opts', 'put_nd_ra_opts']);

/** Most tables visited in one trace: bounds a loop between datapaths in a broken database. */
export const maxTableVisitsCount = 10_000;
/** Logical tables per pipeline (upstream LOG_PIPELINE_LEN). */
export const pipelineTablesCount = 29;

export interface TraceOptions {
  /** ct_state values ct_next reports, in order (--ct); then est|trk. */
  ctStates: readonly bigint[];
  lbDst: LbDst | null;
}

export class Walker {
  private ctIndex = 0;
  private visits = 0;
  lbDst: LbDst | null;

  constructor(readonly db: TraceDb, readonly options: TraceOptions) {
    this.lbDst = options.lbDst;
  }

  /** Upstream next_ct_state: the next --ct value, or est|trk with a comment saying it is the default. */
  nextCtState(): { state: bigint; comment: string } {
    if (this.ctIndex < this.options.ctStates.length) return { state: this.options.ctStates[this.ctIndex++]!, comment: '' };
    return { state: 0x22n, comment: ' /* default (use --ct to customize) */' };
  }

  ctStateText(state: bigint): string {
    return formatCtState(state);
  }

  portName(dp: Datapath, name: string): string {
    const p = dp.ports.get(name);
    if (p) return p.friendly;
    if (dp.mcGroups.has(name)) return name;
    return '(unnamed)';
  }

  lookup(dp: Datapath, pkt: TracePacket, table: number, pipeline: Pipeline): Flow | null {
    const ctx = { symtab: this.db.symtab, isChassisResident: (p: string) => p === '' || this.db.ports.has(p) };
    for (const f of dp.flows) {
      if (f.pipeline === pipeline && f.tableId === table && evaluate(f.match, pkt.values, ctx)) return f;
    }
    return null;
  }

  /** trace__: skip trivial stages, then record one table visit and run its flow. */
  trace(dp: Datapath, pkt: TracePacket, startTable: number, pipeline: Pipeline, out: TraceNode[]): void {
    let table = startTable;
    let f: Flow | null;
    for (;;) {
      this.countVisit();
      f = this.lookup(dp, pkt, table, pipeline);
      if (!(f && f.trivial)) break;
      table++;
    }
    let text = `${String(table).padStart(2)}. `;
    if (f) {
      if (f.stageName && f.source) text += `${f.stageName} (${f.source}): `;
      else if (f.stageName) text += `${f.stageName}: `;
      else if (f.source) text += `(${f.source}): `;
      text += `${f.matchText}, priority ${f.priority}, uuid ${f.uuid.slice(0, 8)}`;
    } else {
      const stage = dp.flows.find((x) => x.pipeline === pipeline && x.tableId === table)?.stageName ?? null;
      text += `${stage !== null ? stage + ': ' : ''}no match (implicit drop)`;
    }
    const node = appendNode(out, 'table', text);
    if (f) this.actions(f.actions.drop ? [] : f.actions.statements, dp, pkt, table, pipeline, node.subs);
  }

  private countVisit(): void {
    this.visits++;
    assert(this.visits <= maxTableVisitsCount, () => `trace visited more than maxTableVisitsCount ${maxTableVisitsCount} tables`);
  }

  /** trace_actions. */
  actions(list: readonly Statement[], dp: Datapath, pkt: TracePacket, table: number, pipeline: Pipeline, out: TraceNode[]): void {
    if (list.length === 0) {
      appendNode(out, 'action', 'drop;');
      return;
    }
    const stack: bigint[] = [];
    for (const s of list) {
      appendNode(out, 'action', this.actionText(s, table, pipeline));
      if (s.type === 'action') runAction(this, s, dp, pkt, table, pipeline, out, stack);
      else if (s.type === 'result') runResult(this, s, dp, pkt, table, pipeline, out);
      else this.assign(s, pkt, out);
    }
  }

  /** Canonical text of an action, as ovnacts_format prints it (next in its resolved form). */
  actionText(s: Statement, table: number, pipeline: Pipeline): string {
    if (s.type === 'action' && s.name === 'next') {
      const t = nextTarget(s, table, pipeline);
      if (t.pipeline !== pipeline) return `next(pipeline=${t.pipeline}, table=${t.table});`;
      return t.table !== table + 1 ? `next(${t.table});` : 'next;';
    }
    if (s.type === 'action' && s.name === 'log') {
      const l = logArgs(s);
      const name = l.name !== null ? `name=${JSON.stringify(l.name)}, ` : '';
      return `log(${name}verdict=${l.verdict}, severity=${l.severity}${l.meter !== null ? `, meter=${JSON.stringify(l.meter)}` : ''});`;
    }
    if (s.type === 'action' && s.name === 'ct_commit' && s.args === null && s.nested !== null && s.nested.length === 0) {
      return 'ct_commit;'; // ovnacts_format writes an empty ct_commit { } this way
    }
    if (s.type === 'result' && optionActions.has(s.name)) {
      // ovnacts_format writes DHCP/RA options as "name = value".
      return this.friendly(`${printFieldRef(s.lhs)} = ${s.name}(${s.args.map(formatOption).join(', ')});`);
    }
    return this.friendly(printStatement(s));
  }

  friendly(text: string): string {
    return text.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) => {
      const p = this.db.ports.get(inner);
      return p ? JSON.stringify(p.friendly) : whole;
    });
  }

  private assign(s: Exclude<Statement, { type: 'action' | 'result' }>, pkt: TracePacket, out: TraceNode[]): void {
    switch (s.type) {
      case 'load': {
        const f = pkt.resolve(s.lhs);
        if (!pkt.isRegister(f)) appendNode(out, 'modify', printStatement(s).replace(/;$/, ''));
        if (s.value.kind === 'string') pkt.setString(pkt.symtab.place(f.symbol).root.name, s.value.value);
        else if (s.value.kind === 'int') {
          const mask = s.value.mask;
          if (mask === null) pkt.write(f, s.value.value);
          else pkt.write(f, (pkt.read(f) & ~mask) | (s.value.value & mask));
        }
        return;
      }
      case 'move': {
        const dst = pkt.resolve(s.lhs);
        const src = pkt.resolve(s.rhs);
        this.summarizeMove(s.lhs, s.rhs, pkt, out);
        if (dst.symbol.width === 0) pkt.setString(pkt.symtab.place(dst.symbol).root.name, pkt.getString(pkt.symtab.place(src.symbol).root.name));
        else pkt.write(dst, pkt.read(src));
        return;
      }
      case 'exchange': {
        const a = pkt.resolve(s.lhs);
        const b = pkt.resolve(s.rhs);
        this.summarizeMove(s.lhs, s.rhs, pkt, out);
        this.summarizeMove(s.rhs, s.lhs, pkt, out);
        if (a.symbol.width === 0) {
          const an = pkt.symtab.place(a.symbol).root.name;
          const bn = pkt.symtab.place(b.symbol).root.name;
          const av = pkt.getString(an);
          pkt.setString(an, pkt.getString(bn));
          pkt.setString(bn, av);
        } else {
          const av = pkt.read(a);
          pkt.write(a, pkt.read(b));
          pkt.write(b, av);
        }
        return;
      }
      case 'decrement': {
        const type = pkt.get('eth.type');
        if (type !== 0x800n && type !== 0x86ddn) appendNode(out, 'error', '*** TTL decrement of non-IP packet');
        else if (pkt.get('ip.ttl') === 0n) appendNode(out, 'error', '*** TTL underflow');
        else {
          pkt.set('ip.ttl', pkt.get('ip.ttl') - 1n);
          appendNode(out, 'modify', 'ip.ttl--');
        }
        return;
      }
    }
  }

  private summarizeMove(dstRef: FieldRef, srcRef: FieldRef, pkt: TracePacket, out: TraceNode[]): void {
    const dst = pkt.resolve(dstRef);
    if (pkt.isRegister(dst)) return;
    const src = pkt.resolve(srcRef);
    let value: string;
    if (src.symbol.width === 0) value = JSON.stringify(pkt.getString(pkt.symtab.place(src.symbol).root.name));
    else if (srcRef.bits === null && src.symbol.kind === 'field' && src.symbol.of) value = formatValue(pkt.read(src), src.symbol.of.format);
    else value = '0x' + pkt.read(src).toString(16);
    appendNode(out, 'modify', `${printFieldRef(dstRef)} = ${value}`);
  }

  /** execute_next. */
  next(s: Statement & { type: 'action' }, dp: Datapath, pkt: TracePacket, table: number, pipeline: Pipeline, out: TraceNode[]): void {
    const t = nextTarget(s, table, pipeline);
    let list = out;
    if (t.pipeline !== pipeline) {
      const key = t.pipeline === 'ingress' ? 'inport' : 'outport';
      list = appendNode(out, 'pipeline', `${t.pipeline}(dp="${dp.friendly}", ${key}="${this.portName(dp, pkt.getString(key))}")`).subs;
    }
    this.trace(dp, pkt, t.table, t.pipeline, list);
  }

  /** execute_output. */
  output(dp: Datapath, pkt: TracePacket, pipeline: Pipeline, out: TraceNode[]): void {
    const outName = pkt.getString('outport');
    if (outName === '') {
      appendNode(out, 'error', '*** output to null logical port');
      return;
    }
    let port: Port | null = dp.ports.get(outName) ?? null;
    const mc: McGroup | null = port ? null : dp.mcGroups.get(outName) ?? null;
    let shown = port ? port.friendly : mc ? mc.name : '(unnamed)';
    if (!port && !mc) appendNode(out, 'error', `*** unknown port or multicast group ${outName}`);
    if (pipeline === 'egress') {
      appendNode(out, 'output', `/* output to "${shown}", type "${port ? port.type : ''}" */`);
      if (port && port.peer) {
        const peer = port.peer;
        const node = appendNode(out, 'pipeline', `ingress(dp="${peer.dp.friendly}", inport="${peer.friendly}")`);
        const next = pkt.clone();
        next.setString('inport', peer.name);
        next.setString('outport', '');
        this.trace(peer.dp, next, 0, 'ingress', node.subs);
      } else {
        appendNode(out, 'modify', `output("${shown}")`);
      }
      return;
    }
    const egress = pkt.clone();
    egress.clearRegisters();
    const inName = pkt.getString('inport');
    const inShown = this.portName(dp, inName);
    const loopback = pkt.get('flags.loopback') !== 0n;
    if (mc) {
      const mcNode = appendNode(out, 'pipeline', `multicast(dp="${dp.friendly}", mcgroup="${mc.name}")`);
      for (const p of mc.ports) {
        const node = appendNode(mcNode.subs, 'pipeline', `egress(dp="${dp.friendly}", inport="${inShown}", outport="${p.friendly}")`);
        if (p.name !== inName || loopback) {
          node.alwaysIndent = true;
          const copy = egress.clone();
          copy.setString('outport', p.name);
          this.trace(dp, copy, 0, 'egress', node.subs);
        } else {
          appendNode(node.subs, 'output', '/* omitting output because inport == outport && !flags.loopback */');
        }
      }
      return;
    }
    if (port && port.type === 'chassisredirect') {
      if (!port.distributed) {
        appendNode(out, 'error', `*** output to type "${port.type}" port "${shown}" with no or invalid distributed port`);
        return;
      }
      appendNode(out, 'output', `/* Replacing type "${port.type}" outport "${port.friendly}" with distributed port "${port.distributed.friendly}". */`);
      port = port.distributed;
      shown = port.friendly;
      egress.setString('outport', port.name);
    }
    if ((port && port.name !== inName) || loopback) {
      const node = appendNode(out, 'pipeline', `egress(dp="${dp.friendly}", inport="${inShown}", outport="${shown}")`);
      this.trace(dp, egress, 0, 'egress', node.subs);
    } else {
      appendNode(out, 'output', '/* omitting output because inport == outport && !flags.loopback */');
    }
  }
}


/** Where next / next(N) / next(pipeline=P, table=N) goes. */
export function nextTarget(s: Statement & { type: 'action' }, table: number, pipeline: Pipeline): { table: number; pipeline: Pipeline } {
  let t = table + 1;
  let p = pipeline;
  for (const a of s.args ?? []) {
    const term = a.terms[0];
    if (a.key === 'pipeline' && term?.kind === 'name') p = term.ref.name === 'egress' ? 'egress' : 'ingress';
    else if ((a.key === 'table' || a.key === null) && term?.kind === 'const' && term.c.kind === 'int') t = Number(term.c.value);
  }
  return { table: t, pipeline: p };
}
