// JSON-RPC 1.0 messages as OVSDB uses them (RFC 7047 §4, upstream lib/jsonrpc.c):
//   request       {"method": string, "params": [...], "id": non-null}
//   notification  {"method": string, "params": [...], "id": null}      (a missing id is also accepted)
//   reply         {"result": value, "error": null, "id": non-null}
//   error         {"error": non-null, "id": ...}  ("result": null allowed; id may be null for unsolicited errors)
// A JSON null in "result", "error" or "id" counts as absent, as upstream does. Validation failures use
// upstream's wording ('request must have "params"', 'message has unexpected member "x"'), so logs from a
// mixed deployment read the same; upstream drops the connection on any of them, and so do we.

import { formatJson } from '../../json/format';
import { getMember, isJsonObject, type JsonObject, type JsonValue } from '../../json/value';

export type JsonRpcMessage =
  | { readonly kind: 'request'; readonly method: string; readonly params: JsonValue[]; readonly id: JsonValue }
  | { readonly kind: 'notification'; readonly method: string; readonly params: JsonValue[] }
  | { readonly kind: 'reply'; readonly result: JsonValue; readonly id: JsonValue }
  | { readonly kind: 'error'; readonly error: JsonValue; readonly id: JsonValue };

export type JsonRpcParse = { readonly ok: true; readonly message: JsonRpcMessage } | { readonly ok: false; readonly error: string };

const knownMembers = new Set(['method', 'params', 'result', 'error', 'id']);

// Which members each kind must have (true) or must not have (false); data, interpreted by one loop below.
const memberRules: Record<JsonRpcMessage['kind'], Record<'method' | 'params' | 'result' | 'error' | 'id', boolean | null>> = {
  request: { method: true, params: true, result: false, error: false, id: true },
  notification: { method: true, params: true, result: false, error: false, id: false },
  reply: { method: false, params: false, result: true, error: false, id: true },
  error: { method: false, params: false, result: false, error: true, id: null },
};

function present(object: JsonObject, name: string): boolean {
  const v = getMember(object, name);
  return v !== undefined && v !== null;
}

/** Classifies and validates one received JSON value. */
export function parseJsonRpcMessage(value: JsonValue): JsonRpcParse {
  if (!isJsonObject(value)) return { ok: false, error: 'message is not a JSON object' };
  for (const name of Object.keys(value)) {
    if (!knownMembers.has(name)) return { ok: false, error: `message has unexpected member "${name}"` };
  }
  if (present(value, 'method') && typeof getMember(value, 'method') !== 'string') {
    return { ok: false, error: 'method is not a JSON string' };
  }
  // Upstream's classification order: a result makes a reply, an error an error, an id a request; the
  // per-kind rules below then name what is missing or extra ({"params":[],"id":1} is a request lacking "method").
  const kind: JsonRpcMessage['kind'] = present(value, 'result')
    ? 'reply'
    : present(value, 'error')
      ? 'error'
      : present(value, 'id')
        ? 'request'
        : 'notification';
  const rules = memberRules[kind];
  for (const name of ['method', 'params', 'result', 'error', 'id'] as const) {
    const rule = rules[name];
    if (rule === null || rule === present(value, name)) continue;
    return { ok: false, error: `${kind} must${rule ? '' : ' not'} have "${name}"` };
  }
  const params = getMember(value, 'params');
  if ((kind === 'request' || kind === 'notification') && !Array.isArray(params)) {
    return { ok: false, error: '"params" must be JSON array' };
  }
  const id = getMember(value, 'id') ?? null;
  switch (kind) {
    case 'request':
      return { ok: true, message: { kind, method: value['method'] as string, params: params as JsonValue[], id } };
    case 'notification':
      return { ok: true, message: { kind, method: value['method'] as string, params: params as JsonValue[] } };
    case 'reply':
      return { ok: true, message: { kind, result: value['result']!, id } };
    case 'error':
      return { ok: true, message: { kind, error: value['error']!, id } };
  }
}

/** The wire form of a message, as upstream writes it. */
export function jsonRpcToJson(message: JsonRpcMessage): JsonObject {
  switch (message.kind) {
    case 'request':
      return { method: message.method, params: message.params, id: message.id };
    case 'notification':
      return { method: message.method, params: message.params, id: null };
    case 'reply':
      return { id: message.id, result: message.result, error: null };
    case 'error':
      // Upstream writes errors without "result" (observed: {"id":1,"error":"unknown method"}).
      return { id: message.id, error: message.error };
  }
}

export function formatJsonRpc(message: JsonRpcMessage): string {
  return formatJson(jsonRpcToJson(message));
}
