import { strict as assert } from 'node:assert';
import { formatJsonRpc, parseJsonRpcMessage } from './message';
import type { JsonValue } from '../../json/value';

// Invalid messages and the complaint upstream ovsdb-server 3.1 logs for each ("received bad JSON-RPC
// message: ..."), observed by sending these bytes to a real server. upstream.test.ts re-checks that the real
// server drops the connection for every one of them.
export const invalidMessages: Array<[string, string]> = [
  ['[1,2]', 'message is not a JSON object'],
  ['{"method":"echo","id":1}', 'request must have "params"'],
  ['{"method":"echo","params":{},"id":1}', '"params" must be JSON array'],
  ['{"params":[],"id":1}', 'request must have "method"'],
  ['{}', 'notification must have "method"'],
  ['{"result":1}', 'reply must have "id"'],
  ['{"method":"echo","params":[],"id":1,"extra":2}', 'message has unexpected member "extra"'],
  ['{"method":1,"params":[],"id":1}', 'method is not a JSON string'],
  ['{"method":"echo","params":[],"result":1,"id":1}', 'reply must not have "method"'],
  ['{"result":1,"error":"bad","id":1}', 'reply must not have "error"'],
  ['{"method":"echo","params":[],"error":"x"}', 'error must not have "method"'],
  ['{"error":"x","params":[],"id":1}', 'error must not have "params"'],
];

describe('JSON-RPC message validation', () => {
  it('classifies requests, notifications, replies and errors (null members count as absent)', () => {
    const cases: Array<[JsonValue, unknown]> = [
      [{ method: 'echo', params: [], id: 1 }, { kind: 'request', method: 'echo', params: [], id: 1 }],
      [{ method: 'list_dbs', params: [], id: { a: 1 } }, { kind: 'request', method: 'list_dbs', params: [], id: { a: 1 } }],
      [{ method: 'update', params: [1], id: null }, { kind: 'notification', method: 'update', params: [1] }],
      [{ method: 'update', params: [1] }, { kind: 'notification', method: 'update', params: [1] }],
      [{ id: 'a', result: ['x'], error: null }, { kind: 'reply', result: ['x'], id: 'a' }],
      [{ id: 1, error: 'unknown method' }, { kind: 'error', error: 'unknown method', id: 1 }],
      [{ id: 1, error: { error: 'syntax error' }, result: null }, { kind: 'error', error: { error: 'syntax error' }, id: 1 }],
      [{ id: null, error: 'x' }, { kind: 'error', error: 'x', id: null }],
    ];
    for (const [input, expected] of cases) {
      assert.deepEqual(parseJsonRpcMessage(input), { ok: true, message: expected }, JSON.stringify(input));
    }
  });

  it('rejects malformed messages with upstream wording', () => {
    for (const [text, problem] of invalidMessages) {
      assert.deepEqual(parseJsonRpcMessage(JSON.parse(text) as JsonValue), { ok: false, error: problem }, text);
    }
  });

  it('does not mistake Object.prototype names for members', () => {
    const parsed = parseJsonRpcMessage(JSON.parse('{"constructor":1,"method":"x","params":[]}') as JsonValue);
    assert.deepEqual(parsed, { ok: false, error: 'message has unexpected member "constructor"' });
    assert.equal(parseJsonRpcMessage({ toString: 'x' } as JsonValue).ok, false);
  });

  it('writes the wire forms upstream writes', () => {
    assert.equal(formatJsonRpc({ kind: 'request', method: 'transact', params: ['DB', 1.5], id: 3 }), '{"method":"transact","params":["DB",1.5],"id":3}');
    assert.equal(formatJsonRpc({ kind: 'notification', method: 'update', params: [] }), '{"method":"update","params":[],"id":null}');
    assert.equal(formatJsonRpc({ kind: 'reply', result: [], id: 1 }), '{"id":1,"result":[],"error":null}');
    assert.equal(formatJsonRpc({ kind: 'error', error: 'unknown method', id: 1 }), '{"id":1,"error":"unknown method"}');
  });
});
