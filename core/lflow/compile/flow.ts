// One logical flow to OpenFlow flows, as ovn-controller 23.03 controller/lflow.c does: table = pipeline
// base + table_id, priority as is, cookie = first 32 bits of the logical flow's UUID, the match extended
// with the datapath (metadata = tunnel key), the actions' prerequisites ANDed into the match, one flow
// per OpenFlow match; conjunctive clause flows carry conjunction() actions instead of the flow's actions.
import { flowMod, type Action, type FlowMod, type Match } from '../../openflow';
import type { OxmInterner } from '../../openflow/oxm-intern';
import { checkActions } from '../check-actions';
import { LflowError } from '../errors';
import { combine, type Expr } from '../expr';
import type { NameLookup } from '../lookup';
import { parseActionsOrThrow } from '../parse-actions';
import { annotate } from '../annotate';
import { checkMatch } from '../check-match';
import { parseMatchOrThrow } from '../parse-match';
import type { Actions } from '../action-syntax';
import type { SyntaxExpr } from '../syntax';
import { encodeActions } from './actions';
import { firstTable } from './encoder';
import type { CompileContext, Pipeline } from './context';
import { compiledMatchOn, compileMatch, type CompiledMatch } from './match';

export interface LogicalFlow {
  readonly uuid: string;
  readonly datapathKey: number;
  readonly pipeline: Pipeline;
  readonly tableId: number;
  readonly priority: number;
  readonly match: string;
  readonly actions: string;
  /**
   * The match and actions already parsed (parseLogicalFlowText): a flow compiled for many datapaths is
   * parsed once. Absent: parsed here.
   */
  readonly parsed?: ParsedLogicalFlow;
}

/** The datapath-independent first step of compiling: the texts parsed (names are resolved later). */
export interface ParsedLogicalFlow {
  readonly match: SyntaxExpr;
  readonly actions: Actions;
}

export function parseLogicalFlowText(match: string, actions: string): ParsedLogicalFlow {
  return { actions: parseActionsOrThrow(actions), match: parseMatchOrThrow(match) };
}

export interface CompiledFlow {
  readonly flowMod: FlowMod;
  readonly compiled: CompiledMatch;
}

/** Cookie ovn-controller gives a logical flow's OpenFlow flows: the UUID's first 32 bits. */
export function lflowCookie(uuid: string): bigint {
  const hex = uuid.replace(/-/g, '').slice(0, 8);
  if (!/^[0-9a-fA-F]{8}$/.test(hex)) throw new LflowError(0, `bad logical flow UUID ${uuid}`);
  return BigInt(`0x${hex}`);
}

export function compileLogicalFlow(lf: LogicalFlow, ctx: CompileContext, names: NameLookup): CompiledFlow[] {
  return emitPreparedFlow(prepareLogicalFlow(lf, ctx, names), lf, ctx);
}

/**
 * A logical flow compiled up to the datapath-specific last step: its OpenFlow matches (before the
 * inport/outport locality filter, without the datapath's metadata) and its OpenFlow actions. When
 * preparing read nothing that differs between datapaths, one PreparedFlow serves every datapath of a
 * datapath group (as upstream's lflow cache keeps a flow's matches without the metadata).
 */
export interface PreparedFlow {
  readonly matches: readonly CompiledMatch[];
  readonly actions: readonly Action[];
}

/** `datapathKey` is how the actions read the datapath's key (prepared-cache.ts records the read). */
export function prepareLogicalFlow(lf: LogicalFlow, ctx: CompileContext, names: NameLookup, datapathKey = (): number => lf.datapathKey): PreparedFlow {
  const syntax = lf.parsed ?? parseLogicalFlowText(lf.match, lf.actions);
  const parsed = syntax.actions;
  const checked = checkActions(parsed, { symtab: ctx.symtab, names });
  // As ovn-controller: a match whose prerequisites contradict each other is not an error here, it simply
  // compiles to no flow (checkMatchText's diagnostic would normalize every match once more).
  const annotated = annotate(checkMatch(syntax.match, { symtab: ctx.symtab, names }), ctx.symtab);
  const prereqs: Expr[] = checked.prereqs.map((p) => annotate(checkMatch(parseMatchOrThrow(p), { symtab: ctx.symtab, names }), ctx.symtab));
  const expr = combine('and', [annotated, ...prereqs]);
  const matches = compileMatch(expr, ctx);
  const actions: Action[] = parsed.drop ? [] : encodeActions(parsed, ctx, lf.pipeline, lf.tableId, lf.uuid, datapathKey);
  return { matches, actions };
}

/**
 * The flows of a prepared logical flow on lf's datapath: locality filter, metadata, cookie, table. Match
 * entries go through `interner` when given (equal entries become one object).
 */
export function emitPreparedFlow(prepared: PreparedFlow, lf: LogicalFlow, ctx: CompileContext, interner?: OxmInterner): CompiledFlow[] {
  const cookie = lflowCookie(lf.uuid);
  const tableId = firstTable(lf.pipeline) + lf.tableId;
  const metadata = BigInt(lf.datapathKey);
  return prepared.matches.filter((c) => isLocalMatch(c, lf.pipeline, ctx)).map((c) => {
    const acts: readonly Action[] = c.conjunctions.length > 0
      ? c.conjunctions.map((j) => ({ type: 'conjunction', id: j.id, clause: j.clause - 1, nClauses: j.nClauses }))
      : prepared.actions;
    const match: Match = compiledMatchOn(c, metadata, interner);
    return {
      compiled: c,
      flowMod: flowMod({
        // Clause flows may be shared by several logical flows: upstream gives them cookie 0.
        tableId, priority: lf.priority, cookie: c.conjunctions.length > 0 ? 0n : cookie, match,
        instructions: acts.length > 0 ? [{ type: 'apply_actions', actions: acts }] : [],
      }),
    };
  });
}

/** The same prepared flow with every conjunction id moved by `delta` (each datapath gets ids of its own). */
export function shiftConjIds(prepared: PreparedFlow, delta: number): PreparedFlow {
  if (delta === 0 || !prepared.matches.some((c) => c.conjId !== null || c.conjunctions.length > 0)) return prepared;
  return {
    actions: prepared.actions,
    matches: prepared.matches.map((c) => ({
      fields: c.fields,
      conjId: c.conjId === null ? null : c.conjId + delta,
      conjunctions: c.conjunctions.map((j) => ({ ...j, id: j.id + delta })),
    })),
  };
}

/**
 * ovn-controller skips, on a logical switch, a match whose logical inport (ingress) or outport (egress)
 * register value is nonzero and not a port local to this chassis. It reads the register's value whatever
 * its mask, so a bit match left by `!=` counts as that port number too.
 */
function isLocalMatch(c: CompiledMatch, pipeline: Pipeline, ctx: CompileContext): boolean {
  if (!ctx.isSwitch || !ctx.portKeyIsLocal) return true;
  const of = ctx.symtab.get(pipeline === 'ingress' ? 'inport' : 'outport')?.of;
  const v = of ? c.fields.get(of.ovsName)?.v ?? 0n : 0n;
  return v === 0n || ctx.portKeyIsLocal(Number(v));
}
