import { strict as assert } from 'node:assert';
import { JsonStreamReader, JsonStreamError } from './stream-reader';
import type { JsonValue } from './value';

const enc = new TextEncoder();

function readAll(chunks: Uint8Array[], reader = new JsonStreamReader()): { values: JsonValue[]; error: JsonStreamError | null } {
  const values: JsonValue[] = [];
  for (const c of chunks) {
    const batch = reader.push(c);
    values.push(...batch.values);
    if (batch.error) return { values, error: batch.error };
  }
  return { values, error: reader.finish() };
}

function expectError(text: string | Uint8Array, offset: number, pattern: RegExp, options = {}): JsonStreamError {
  const bytes = typeof text === 'string' ? enc.encode(text) : text;
  const { error } = readAll([bytes], new JsonStreamReader(options));
  assert.ok(error, `expected an error for ${JSON.stringify(text)}`);
  assert.match(error.message, pattern);
  assert.equal(error.offset, offset, `offset for ${JSON.stringify(text)}: ${error.message}`);
  return error;
}

describe('JsonStreamReader', () => {
  const messages: JsonValue[] = [
    { method: 'echo', params: ['x\u00e9\u{1f600}"\\\n', -12.5e-3, 0, true, false, null], id: 1 },
    { id: 'a', result: [{ '': [], 'k\u20ac': { z: [[]] } }], error: null },
    [1, 2, { a: '\u0007' }],
    { method: 'update', params: [null, { T: { 'x\\"y': 'esc\\u00e9' } }], id: null },
  ];
  // Written with escapes that exercise the escape states, and UTF-8 multibyte characters.
  const text = ' {"method":"echo","params":["x\\u00e9\\ud83d\\ude00\\"\\\\\\n",-12.5e-3,0,true,false,null],"id":1}' +
    '\n{"id":"a","result":[{"":[],"k\u20ac":{"z":[[]]}}],"error":null}[1,2,{"a":"\\u0007"}]  ' +
    '{"method":"update","params":[null,{"T":{"x\\\\\\"y":"esc\\\\u00e9"}}],"id":null}\n';
  const bytes = enc.encode(text);

  it('frames concatenated messages delivered in one chunk', () => {
    const { values, error } = readAll([bytes]);
    assert.equal(error, null);
    assert.deepEqual(values, messages);
  });

  it('frames the same stream split at every single boundary and at every pair of boundaries', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { values, error } = readAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
      assert.equal(error, null, `cut at ${cut}`);
      assert.deepEqual(values, messages, `cut at ${cut}`);
    }
    for (let a = 0; a < bytes.length; a += 3) {
      for (let b = a; b <= bytes.length; b += 2) {
        const { values, error } = readAll([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]);
        assert.equal(error, null);
        assert.deepEqual(values, messages, `cuts at ${a},${b}`);
      }
    }
  });

  it('frames one byte at a time and copies pending bytes (the caller may reuse its buffer)', () => {
    const reader = new JsonStreamReader();
    const scratch = new Uint8Array(1);
    const values: JsonValue[] = [];
    for (const b of bytes) {
      scratch[0] = b;
      const batch = reader.push(scratch);
      assert.equal(batch.error, null);
      values.push(...batch.values);
    }
    assert.deepEqual(values, messages);
    assert.equal(reader.finish(), null);
    assert.equal(reader.offset, bytes.length);
  });

  it('handles a 30 MB message in 64 KiB chunks in linear time', function () {
    this.timeout(20000);
    const rows: string[] = [];
    for (let i = 0; rows.length * 100 < 30e6; i++) rows.push(`"${i.toString(16).padStart(8, '0')}":{"name":"port-${i}-\u00e9\u00e9","tag":[${i},${i / 7}],"up":true,"pad":"${'x'.repeat(30)}"}`);
    const big = enc.encode(`{"id":7,"result":{${rows.join(',')}},"error":null}{"id":8,"result":[],"error":null}`);
    assert.ok(big.length > 30e6);
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < big.length; at += 65536) chunks.push(big.subarray(at, at + 65536));
    const started = process.hrtime.bigint();
    const { values, error } = readAll(chunks);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(error, null);
    assert.equal(values.length, 2);
    const first = values[0] as { result: Record<string, { tag: number[] }> };
    assert.equal(Object.keys(first.result).length, rows.length);
    assert.deepEqual(first.result['00000007']!.tag, [7, 1]);
    assert.ok(ms < 10000, `took ${ms} ms`);
  });

  it('rejects a message larger than maxMessageBytes, whether it arrives whole or in pieces', () => {
    const msg = enc.encode('{"id":1,"result":"' + 'y'.repeat(100) + '","error":null}');
    const ok = readAll([msg], new JsonStreamReader({ maxMessageBytes: msg.length }));
    assert.equal(ok.error, null);
    const whole = readAll([enc.encode('  '), msg], new JsonStreamReader({ maxMessageBytes: msg.length - 1 }));
    assert.match(whole.error!.message, /exceeds maxMessageBytes \(\d+ bytes\)/);
    assert.equal(whole.error!.offset, 2 + msg.length - 1);
    const reader = new JsonStreamReader({ maxMessageBytes: 50 });
    const pieces = [msg.subarray(0, 30), msg.subarray(30, 60), msg.subarray(60)];
    const split = readAll(pieces, reader);
    assert.equal(split.error!.offset, 50);
    assert.equal(reader.bufferedBytes, 0);
  });

  it('reports malformed JSON with the stream byte offset, after delivering earlier messages', () => {
    const { values, error } = readAll([enc.encode('{"a":1}\n{"b":[1,2}')]);
    assert.deepEqual(values, [{ a: 1 }]);
    assert.equal(error!.offset, 17);
    assert.match(error!.message, /at byte 17: syntax error: '\}' does not match the open '\['/);
    expectError('{"method":"echo","params":[],"id":1}}', 36, /beginning of a message/);
    expectError('"str"', 0, /expected '\{' or '\['/);
    expectError('{"a" 1}', 5, /expected ':'/);
    expectError('{"a":01}', 5, /invalid number "01"/);
    expectError('{"a":1.}', 5, /invalid number/);
    expectError('{"a":tru}', 8, /expected "true"/);
    expectError('{"a":"\t"}', 6, /control character 0x09/);
    expectError('{"a":"\\x"}', 7, /invalid escape \\x/);
    expectError('{"a":"\\u12g4"}', 10, /invalid hex digit/);
    expectError('{"a":"\\ud800"}', 12, /high surrogate/);
    expectError('{"a":"\\ud800\\u0041"}', 12, /high surrogate escape not followed/);
    expectError('{"a":"\\udc00"}', 6, /lone low surrogate/);
    expectError('{"a":"\\u0000"}', 6, /NUL/);
    expectError('{"a":1e400}', 5, /outside valid range/);
    expectError('{"a":9007199254740993}', 5, /cannot be represented exactly/);
    expectError('{"a":-9223372036854775807}', 5, /cannot be represented exactly/);
    expectError('{"a":,}', 5, /expected a value/);
    expectError('{"a":1,}', 7, /member name/);
    expectError('[1,]', 3, /expected a value/);
    expectError('{"a":[}', 6, /expected a value/);
    expectError('{"a":[1}', 7, /does not match/);
    expectError(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), 2, /invalid UTF-8 lead byte 0xff/);
    expectError(new Uint8Array([0x5b, 0x22, 0xc3, 0x41, 0x22, 0x5d]), 3, /invalid UTF-8 continuation 'A'/);
    expectError(new Uint8Array([0x5b, 0x22, 0xe0, 0x80, 0x80, 0x22, 0x5d]), 3, /invalid UTF-8 continuation/); // overlong
    expectError(new Uint8Array([0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d]), 3, /invalid UTF-8 continuation/); // surrogate
    assert.deepEqual(readAll([enc.encode('[9007199254740991,-9007199254740992,10000000000000000,1.5e300]')]).values, [[9007199254740991, -9007199254740992, 1e16, 1.5e300]]);
  });

  it('bounds nesting depth like upstream (1000 levels)', () => {
    const ok = readAll([enc.encode('['.repeat(1000) + ']'.repeat(1000))]);
    assert.equal(ok.error, null);
    expectError('['.repeat(1001) + ']'.repeat(1001), 1000, /nesting deeper than maxDepth \(1000\)/);
  });

  it('stays broken after an error and reports a truncated message at end of stream', () => {
    const reader = new JsonStreamReader();
    const first = reader.push(enc.encode('{"a":x}'));
    assert.ok(first.error);
    const again = reader.push(enc.encode('{"a":1}'));
    assert.deepEqual(again.values, []);
    assert.equal(again.error, first.error);
    const truncated = new JsonStreamReader();
    assert.deepEqual(truncated.push(enc.encode('{"a":1} {"b":')).values, [{ a: 1 }]);
    assert.equal(truncated.inMessage, true);
    assert.match(truncated.finish()!.message, /at byte 13: stream ended inside a message that began at byte 8/);
    const clean = new JsonStreamReader();
    clean.push(enc.encode('{"a":1}\n'));
    assert.equal(clean.finish(), null);
  });

  it('checks numbers split across chunks exactly as whole ones', () => {
    const cases: Array<[string, JsonValue | RegExp]> = [
      ['[10000000000000000,-0.5e-3,0,1E2]', [[1e16, -0.0005, 0, 100]]],
      ['[9007199254740993]', /at byte 1: integer 9007199254740993 cannot be represented exactly/],
      ['[1e400]', /at byte 1: number 1e400 outside valid range/],
      ['[' + '9'.repeat(320) + '.5]', /at byte 1: number 9{320}\.5 outside valid range/],
      ['[1.5e-2x]', /at byte 7: syntax error: expected ',' or '\]', got 'x'/],
      ['[-01]', /at byte 1: invalid number "-01"/],
      ['[1.e5]', /at byte 1: invalid number "1.e"/],
      ['[1e+]', /at byte 1: invalid number "1e\+"/],
      ['[--1]', /at byte 1: invalid number "--"/],
    ];
    for (const [text, expected] of cases) {
      const bytes = enc.encode(text);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const { values, error } = readAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
        if (expected instanceof RegExp) assert.match(error?.message ?? 'no error', expected, `${text} cut at ${cut}`);
        else assert.deepEqual([values, error], [expected, null], `${text} cut at ${cut}`);
      }
    }
    expectError('[' + '1'.repeat(401) + ']', 401, /number longer than 400 characters/);
  });
});
