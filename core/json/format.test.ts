import { strict as assert } from 'node:assert';
import { formatJson, formatNumber, formatReal, JsonFormatError } from './format';

describe('formatJson (upstream-compatible serialization)', () => {
  it('prints reals like C "%.15g" and integral values as integers, as upstream ovsdb-server echoes them', () => {
    // Pairs observed from a real ovsdb-server 3.1 "echo" of the same literals.
    const cases: Array<[number, string]> = [
      [1.0, '1'], [0.1, '0.1'], [1e300, '1e+300'], [-0, '0'], [1e16, '10000000000000000'],
      [100000000000000000, '100000000000000000'], [1.2345678901234568e20, '1.23456789012346e+20'],
      [0.30000000000000004, '0.3'], [2e-5, '2e-05'], [1e-4, '0.0001'], [123456.789e3, '123456789'],
      [1e15, '1000000000000000'], [1.5e-10, '1.5e-10'], [123456789.123456789, '123456789.123457'],
      [9223372036854775808, '9.22337203685478e+18'], [-5, '-5'], [1e-7, '1e-07'], [1234567.5, '1234567.5'],
      [2.5, '2.5'], [-0.001234, '-0.001234'],
    ];
    for (const [value, text] of cases) assert.equal(formatNumber(value), text, `formatNumber(${value})`);
    assert.equal(formatReal(100), '100');
    assert.equal(formatReal(1e15), '1e+15');
    // 15 digits would round past DBL_MAX (upstream writes the unparsable 1.79769313486232e+308 here).
    assert.equal(formatNumber(1.7976931348623151e308), '1.7976931348623151e+308');
    assert.equal(formatNumber(-Number.MAX_VALUE), '-1.7976931348623157e+308');
    assert.equal(formatNumber(1.79769313486e308), '1.79769313486e+308');
  });

  it('escapes strings exactly as upstream json_serialize_string', () => {
    assert.equal(formatJson('\u00e9\u{1f600}\b\f/\u007f\u001f\u2028 "\\\n\r\t'), '"\u00e9\u{1f600}\\b\\f/\u007f\\u001f\u2028 \\"\\\\\\n\\r\\t"');
  });

  it('serializes nested values compactly in insertion order', () => {
    assert.equal(formatJson({ b: [1, 'x', null, true, false, { c: [] }], a: {} }), '{"b":[1,"x",null,true,false,{"c":[]}],"a":{}}');
  });

  it('rejects values upstream cannot represent', () => {
    assert.throws(() => formatJson(NaN), JsonFormatError);
    assert.throws(() => formatJson([Infinity]), /non-finite/);
    assert.throws(() => formatJson('a\ud800b'), /lone UTF-16 surrogate/);
    assert.throws(() => formatJson('\udc00'), /lone UTF-16 surrogate/);
    assert.equal(formatJson('\ud83d\ude00'), '"\u{1f600}"');
    assert.throws(() => formatJson('a\u0000'), /NUL/);
    assert.throws(() => formatJson({ a: undefined } as never), /undefined/);
    let deep: unknown = [];
    for (let i = 0; i < 1000; i++) deep = [deep];
    assert.throws(() => formatJson(deep as never), /maxJsonDepth/);
  });
});
