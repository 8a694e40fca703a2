// The `name = value` / `name = {v1, v2}` arguments of put_dhcp_opts, put_dhcpv6_opts and put_nd_ra_opts
// resolved against an option table (lib/actions.c parse_gen_opt): unknown names and values of the wrong
// kind (string vs number) are errors at the argument, as upstream rejects the whole flow for them.
// Also the byte helpers their encoders share.
import type { ActionArg } from '../action-syntax';
import { LflowError } from '../errors';
import type { OptionSpec } from '../option-tables';
import type { Constant } from '../syntax';

export type OptionConstant = Extract<Constant, { kind: 'int' | 'string' }>;

export interface ResolvedOption<T extends string> {
  readonly spec: OptionSpec<T>;
  readonly values: readonly OptionConstant[];
  readonly pos: number;
}

/**
 * Resolves every argument. `stringTypes` are the option types that need string values (all others need
 * numbers); `anyTypes` accept either (DHCPv4 host_id). `what` names the option family in errors.
 */
export function resolveOptions<T extends string>(
  args: readonly ActionArg[] | null, table: ReadonlyMap<string, OptionSpec<T>>, what: string,
  stringTypes: ReadonlySet<string>, anyTypes: ReadonlySet<string> = new Set(),
): ResolvedOption<T>[] {
  return (args ?? []).map((a) => {
    const spec = a.key !== null ? table.get(a.key) : undefined;
    if (!spec) throw new LflowError(a.pos, `Syntax error: expecting ${what} option name.`);
    const t = a.terms[0];
    const values: OptionConstant[] = [];
    const take = (c: Constant) => {
      if (c.kind !== 'int' && c.kind !== 'string') throw new LflowError(c.pos, `${what} option ${spec.name}: expecting a constant.`);
      values.push(c);
    };
    if (a.terms.length === 1 && t?.kind === 'const') take(t.c);
    else if (a.terms.length === 1 && t?.kind === 'set') {
      for (const m of t.members) {
        const c = m[0];
        if (m.length !== 1 || c?.kind !== 'const') throw new LflowError(t.pos, `${what} option ${spec.name}: expecting constants.`);
        take(c.c);
      }
    } else {
      throw new LflowError(a.pos, `Syntax error in ${what} option ${spec.name}: expecting constant.`);
    }
    if (values.length === 0) throw new LflowError(a.pos, `${what} option ${spec.name} needs a value.`);
    const kinds = new Set(values.map((v) => v.kind));
    if (kinds.size > 1) throw new LflowError(a.pos, `${what} option ${spec.name}: mixed string and numeric values.`);
    if (!anyTypes.has(spec.type)) {
      const wantString = stringTypes.has(spec.type);
      if (wantString && !kinds.has('string')) throw new LflowError(a.pos, `${what} option ${spec.name} requires string value.`);
      if (!wantString && !kinds.has('int')) throw new LflowError(a.pos, `${what} option ${spec.name} requires numeric value.`);
    }
    return { spec, values, pos: a.pos };
  });
}

/** The low `n` bytes of an integer constant, big-endian (upstream reads the tail of its 128-bit value). */
export function intBytes(c: OptionConstant, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let v = c.kind === 'int' ? c.value : 0n;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** A string constant's bytes as C sees them (UTF-8, no terminator). */
export function stringBytes(c: OptionConstant): Uint8Array {
  return new TextEncoder().encode(c.kind === 'string' ? c.value : '');
}

/**
 * C strtok_r over bytes: the non-empty tokens between delimiter bytes, each with the offset just after its
 * terminating delimiter (or the end) — where strtok_r's save pointer is left.
 */
export function strtok(bytes: Uint8Array, delims: string): { token: Uint8Array; rest: number }[] {
  const isDelim = (b: number) => delims.includes(String.fromCharCode(b));
  const out: { token: Uint8Array; rest: number }[] = [];
  let i = 0;
  for (;;) {
    while (i < bytes.length && isDelim(bytes[i]!)) i++;
    if (i >= bytes.length) return out;
    const start = i;
    while (i < bytes.length && !isDelim(bytes[i]!)) i++;
    const end = i;
    if (i < bytes.length) i++;
    out.push({ token: bytes.subarray(start, end), rest: i });
  }
}
