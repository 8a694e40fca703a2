// Group text in ovs-ofctl syntax: formatGroup prints a group as dump-groups does (OpenFlow 1.5), parseGroup
// reads add-group syntax into a GROUP_MOD with the bytes ovs-ofctl would send.

import { Reader, Writer } from '../bytes';
import type { Bucket, GroupDesc, GroupMod } from '../messages/types';
import { ofpgbpt, watchGroupProperty, watchPortProperty, weightProperty } from '../messages/group-meter';
import type { Property } from '../properties';
import { readOxmHeader, writeOxmHeader } from '../oxm';
import { fieldByName, fieldBytes, fieldTable, preferredCode } from '../oxm-fields';
import { formatActions } from './action-format';
import { parseActionList } from './action-parse';
import { FlowSyntaxError, findField, parseSmall, splitTopLevel } from './lex';
import { parsePort } from './match-parse';
import { ofp11PortTo16, portName } from './values';

const groupTypes = ['all', 'select', 'indirect', 'ff'];
/** Netronome's experimenter id, used by OVS's selection_method group property. */
export const ntrVendorId = 0x0000154d;
const ntrtSelectionMethod = 1;
const selectionMethodBytes = 16;
const bucketIdMax = 0xffffff00;
export const bucketIdAll = 0xffffffff;

export interface SelectionMethod { readonly method: string; readonly param: bigint; readonly fields: readonly string[] }

export function readSelectionMethod(p: Property): SelectionMethod | undefined {
  if (p.type !== 0xffff || p.value.length < 36) return undefined;
  const r = new Reader(p.value, 0, p.value.length, 'selection_method property');
  if (r.u32() !== ntrVendorId || r.u32() !== ntrtSelectionMethod) return undefined;
  r.skip(4);
  const raw = r.take(selectionMethodBytes);
  const nul = raw.indexOf(0);
  const method = String.fromCharCode(...raw.subarray(0, nul < 0 ? raw.length : nul));
  const param = r.u64();
  const fields: string[] = [];
  // Each field is a header followed by its hash mask (OVS oxm_put_field_array); only whole-field masks
  // are written by OVS for fields(a,b), so the mask is read and left out of the text.
  while (!r.atEnd()) {
    const h = readOxmHeader(r);
    r.take(h.payloadBytes, `${h.code.name} selection mask`);
    fields.push(h.field.name);
  }
  return { method, param, fields };
}

export function selectionMethodProperty(sm: SelectionMethod): Property {
  const w = new Writer(64);
  w.u32(ntrVendorId).u32(ntrtSelectionMethod).zeros(4);
  if (sm.method.length >= selectionMethodBytes) throw new RangeError(`selection_method "${sm.method}" too long`);
  for (let i = 0; i < selectionMethodBytes; i++) w.u8(i < sm.method.length ? sm.method.charCodeAt(i) & 0x7f : 0);
  w.u64(sm.param);
  for (const name of sm.fields) {
    const f = findField(name);
    const code = preferredCode(f, 6);
    if (!code) throw new RangeError(`field ${name} has no OXM encoding`);
    writeOxmHeader(w, code, false, fieldBytes(f));
    w.bytes(new Uint8Array(fieldBytes(f)).fill(0xff));
  }
  return { type: 0xffff, value: w.finish() };
}

/** Big-endian integer of a property value; the weight's 2 trailing pad bytes are ignored. */
function u(p: Property): number {
  const bytes = p.type === ofpgbpt.weight ? p.value.subarray(0, 2) : p.value;
  let v = 0;
  for (const b of bytes) v = v * 256 + b;
  return v;
}

function formatBucket(b: Bucket, groupType: number): string {
  let s = 'bucket=';
  s += b.bucketId === 0xfffffffd ? 'bucket_id:first,' : b.bucketId === 0xfffffffe ? 'bucket_id:last,' : b.bucketId === bucketIdAll ? 'bucket_id:all,' : `bucket_id:${b.bucketId},`;
  const weight = b.properties.find((p) => p.type === ofpgbpt.weight);
  const w = weight ? u(weight) : 0;
  if (w !== (groupType === 1 ? 1 : 0)) s += `weight:${w},`;
  const port = b.properties.find((p) => p.type === ofpgbpt.watchPort);
  if (port && ofp11PortTo16(u(port)) !== 0xffff) s += `watch_port:${portName(ofp11PortTo16(u(port)))},`;
  const group = b.properties.find((p) => p.type === ofpgbpt.watchGroup);
  if (group && u(group) !== 0xffffffff) s += `watch_group:${u(group)},`;
  return `${s}actions=${b.actions.length ? formatActions(b.actions) : 'drop'}`;
}

export function formatGroup(g: GroupDesc | GroupMod): string {
  let s = `group_id=${g.groupId},type=${groupTypes[g.groupType] ?? 'unknown'}`;
  for (const p of g.properties) {
    const sm = readSelectionMethod(p);
    if (!sm || !sm.method) continue;
    s += `,selection_method=${sm.method}`;
    if (sm.param) s += `,selection_method_param=${sm.param}`;
    if (sm.fields.length === 1) s += `,fields=${sm.fields[0]}`;
    else if (sm.fields.length > 1) s += `,fields(${sm.fields.join(',')})`;
  }
  for (const b of g.buckets) s += `,${formatBucket(b, g.groupType)}`;
  return s;
}

export type ParsedGroup = { ok: true; groupMod: GroupMod } | { ok: false; error: string };

interface BucketSpec { id?: number; weight?: number; watchPort?: number; watchGroup?: number; actions: string[] }

export function parseGroup(text: string, xid = 0, command = 0): ParsedGroup {
  try {
    return { ok: true, groupMod: parseGroupOrThrow(text, xid, command) };
  } catch (e) {
    if (e instanceof FlowSyntaxError || e instanceof RangeError) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * ovs-ofctl keeps selection fields in a field bitmap and writes them in OVS's field order (meta-flow.h),
 * whatever order the text gave: fields(ip_dst,ip_src) is sent, and dumped, as fields(ip_src,ip_dst). The
 * header fields a selection may hash on appear in fieldTable in that same relative order.
 */
function selectionFieldOrder(fields: readonly string[]): string[] {
  const rank = (n: string) => {
    const f = fieldByName(n);
    if (!f) throw new FlowSyntaxError(n, `unknown field "${n}" in selection fields`);
    return fieldTable.indexOf(f);
  };
  return [...fields].sort((a, b) => rank(a) - rank(b));
}

function parseGroupOrThrow(text: string, xid: number, command: number): GroupMod {
  let groupId: number | undefined;
  let groupType = 0;
  let method = '';
  let param = 0n;
  let fields: string[] = [];
  const specs: BucketSpec[] = [];
  let cur: BucketSpec | undefined;
  for (let tok of splitTopLevel(text)) {
    if (tok.startsWith('bucket=')) {
      cur = { actions: [] };
      specs.push(cur);
      tok = tok.slice('bucket='.length);
    }
    if (cur) {
      if (cur.actions.length) { cur.actions.push(tok); continue; }
      const m = /^(bucket_id|weight|watch_port|watch_group)[:=](.*)$/.exec(tok);
      if (m) {
        if (m[1] === 'bucket_id') cur.id = parseSmall(m[2]!, 'bucket_id', bucketIdMax);
        else if (m[1] === 'weight') cur.weight = parseSmall(m[2]!, 'weight', 0xffff);
        else if (m[1] === 'watch_port') cur.watchPort = parsePort(m[2]!);
        else cur.watchGroup = parseSmall(m[2]!, 'watch_group', 0xffffffff);
      } else if (tok.startsWith('actions=')) cur.actions.push(tok.slice('actions='.length));
      else cur.actions.push(tok);
      continue;
    }
    const eq = tok.indexOf('=');
    const key = eq < 0 ? tok : tok.slice(0, eq);
    const value = eq < 0 ? '' : tok.slice(eq + 1);
    if (key === 'group_id') groupId = parseSmall(value, 'group_id', 0xffffff00);
    else if (key === 'type') {
      groupType = groupTypes.indexOf(value === 'fast_failover' ? 'ff' : value);
      if (groupType < 0) throw new FlowSyntaxError(tok, `unknown group type "${value}"`);
    } else if (key === 'selection_method') method = value;
    else if (key === 'selection_method_param') param = BigInt(parseSmall(value, key, Number.MAX_SAFE_INTEGER));
    else if (key === 'fields') fields = [value];
    else if (key.startsWith('fields(')) fields = splitTopLevel(tok.slice('fields('.length, -1));
    else throw new FlowSyntaxError(tok, `unknown group argument "${key}"`);
  }
  if (groupId === undefined) throw new FlowSyntaxError(text, 'missing group_id');
  // Buckets without an id get the lowest unused ids, in order (OVS's id pool).
  const used = new Set(specs.flatMap((b) => (b.id === undefined ? [] : [b.id])));
  let next = 0;
  const buckets: Bucket[] = specs.map((b) => {
    let id = b.id;
    if (id === undefined) {
      while (used.has(next)) next++;
      id = next++;
    }
    const properties: Property[] = [];
    const weight = b.weight ?? (groupType === 1 ? 1 : 0);
    if (groupType === 1 || weight) properties.push(weightProperty(weight));
    if (b.watchPort !== undefined && b.watchPort !== 0xffff) properties.push(watchPortProperty(b.watchPort >= 0xff00 ? b.watchPort + 0xffff0000 : b.watchPort));
    if (b.watchGroup !== undefined && b.watchGroup !== 0xffffffff) properties.push(watchGroupProperty(b.watchGroup));
    return { bucketId: id, actions: parseActionList(b.actions.join(',')), properties };
  });
  const properties = method ? [selectionMethodProperty({ method, param, fields: selectionFieldOrder(fields) })] : [];
  return { type: 'group_mod', xid, command, groupType, groupId, commandBucketId: bucketIdAll, buckets, properties };
}
