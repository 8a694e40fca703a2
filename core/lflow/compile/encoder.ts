// The state an action encoder works in (upstream struct ovnact_encode_params) and small helpers shared
// by the per-action encoders: argument access, field resolution, table arithmetic.
import type { Action } from '../../openflow';
import type { ActionArg, ArgTerm, Statement } from '../action-syntax';
import { LflowError } from '../errors';
import type { Constant, FieldRef } from '../syntax';
import { ofTables, type CompileContext, type Pipeline } from './context';
import { resolveOfRef, type OfRef } from './of-ref';

export interface EncodeState {
  readonly ctx: CompileContext;
  readonly pipeline: Pipeline;
  /** The logical table the flow is in. */
  readonly table: number;
  /** The logical flow's UUID (set_meter names its meter after it). */
  readonly lflowUuid: string;
  /** The flow's datapath tunnel key (sample() puts it in the observation domain id). */
  readonly datapathKey: number;
  /** Encodes nested statements (clone, ct_commit, arp ...) in the same state. */
  readonly encode: (statements: readonly Statement[]) => Action[];
}

export function firstTable(p: Pipeline): number {
  return p === 'ingress' ? ofTables.logIngressPipeline : ofTables.logEgressPipeline;
}

export function ref(st: EncodeState, r: FieldRef): OfRef {
  return resolveOfRef(r, st.ctx.symtab);
}

export function termPos(t: ArgTerm): number {
  return t.kind === 'const' ? t.c.pos : t.kind === 'name' ? t.ref.pos : t.pos;
}

/** Argument i of a fields-only action (get_arp(outport, reg0) ...). */
export function fieldArg(st: EncodeState, name: string, args: readonly ActionArg[] | null, i: number, at: number): OfRef {
  const a = args?.[i];
  const t = a?.terms[0];
  if (!a || !t || t.kind !== 'name') throw new LflowError(a?.pos ?? at, `${name}: argument ${i + 1} must be a field.`);
  return ref(st, t.ref);
}

export function constArg(args: readonly ActionArg[] | null, i: number, name: string, at: number): Constant {
  const a = args?.[i];
  const t = a?.terms[0];
  if (!a || !t || t.kind !== 'const') throw new LflowError(a?.pos ?? at, `${name}: argument ${i + 1} must be a constant.`);
  return t.c;
}

export function intArg(args: readonly ActionArg[] | null, i: number, name: string, at: number): number {
  const c = constArg(args, i, name, at);
  if (c.kind !== 'int' || c.value > 0xffffffffn) throw new LflowError(c.pos, `${name}: argument ${i + 1} must be an integer.`);
  return Number(c.value);
}

export function stringArg(args: readonly ActionArg[] | null, i: number, name: string, at: number): string {
  const c = constArg(args, i, name, at);
  if (c.kind !== 'string') throw new LflowError(c.pos, `${name}: argument ${i + 1} must be a string.`);
  return c.value;
}

export function keyed(args: readonly ActionArg[] | null, key: string): ActionArg | undefined {
  return args?.find((a) => a.key === key);
}
