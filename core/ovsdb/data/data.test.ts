// Atoms, datums and their JSON/text forms: parsing with upstream's errors, canonical order, printing.
import { strict as assert } from 'node:assert';
import { formatG, jsonToString } from './json';
import { atomFromJson, atomToString, compareAtoms, compareUtf8, checkAtomConstraints, isUuidString } from './atom';
import { compareDatums, datumFromJson, datumToJson, datumToString, defaultDatum } from './datum';
import { OvsdbError } from './error';
import { parseColumnType } from '../schema/parse-schema';
import { plainBaseType, typeToEnglish } from '../schema/types';
import type { Json } from './json';

function throwsOvsdb(f: () => unknown, tag: string, details: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof OvsdbError, String(e));
    assert.equal(e.tag, tag);
    assert.equal(e.details, details);
    return true;
  });
}

describe('ovsdb data: JSON text', () => {
  it('prints reals like C "%.15g" (values checked against printf)', () => {
    const cases: Array<[number, string]> = [
      [0.1, '0.1'], [1.5, '1.5'], [1e7, '10000000'], [1e15, '1e+15'], [1e16, '1e+16'],
      [123456789012345678, '1.23456789012346e+17'], [1e-5, '1e-05'], [0.0001, '0.0001'], [-2.5, '-2.5'],
      [1 / 3, '0.333333333333333'], [2e300, '2e+300'], [1e21, '1e+21'], [100, '100'],
      [5e-324, '4.94065645841247e-324'], [1.7976931348623157e308, '1.79769313486232e+308'],
    ];
    for (const [x, s] of cases) assert.equal(formatG(x, 15), s, String(x));
  });

  it('serializes compactly with sorted keys and JSON escapes', () => {
    assert.equal(jsonToString({ b: [1, 'x\n"'], a: null, c: { z: true, y: 1.5 } }), '{"a":null,"b":[1,"x\\n\\""],"c":{"y":1.5,"z":true}}');
    assert.equal(jsonToString('\u0001\u007f'), '"\\u0001\u007f"');
  });
});

describe('ovsdb data: atoms', () => {
  it('orders strings by UTF-8 bytes, like strcmp', () => {
    assert.ok(compareUtf8('a', 'b') < 0);
    assert.ok(compareUtf8('ab', 'a') > 0);
    assert.ok(compareUtf8('Z', 'a') < 0);
    // U+E000 is EE 80 80 in UTF-8, U+1F600 is F0 9F 98 80: the astral character sorts last
    // (plain UTF-16 comparison would put it first).
    assert.ok(compareUtf8('\uE000', '\u{1F600}') < 0);
    assert.ok(compareUtf8('\u{1F600}', '\uFFFF') > 0);
    assert.ok(compareUtf8('é', 'z') > 0);
  });

  it('orders every atomic type canonically', () => {
    assert.ok(compareAtoms(-1, 2, 'integer') < 0);
    assert.ok(compareAtoms(2.5, 2.25, 'real') > 0);
    assert.ok(compareAtoms(false, true, 'boolean') < 0);
    assert.equal(compareAtoms(true, true, 'boolean'), 0);
    assert.ok(compareAtoms('00000000-0000-0000-0000-00000000000a', '10000000-0000-0000-0000-000000000000', 'uuid') < 0);
  });

  it('parses each atomic type and rejects the wrong JSON type', () => {
    assert.equal(atomFromJson(5, plainBaseType('integer'), null), 5);
    assert.equal(atomFromJson(5, plainBaseType('real'), null), 5);
    assert.equal(atomFromJson(true, plainBaseType('boolean'), null), true);
    assert.equal(atomFromJson('s', plainBaseType('string'), null), 's');
    assert.equal(atomFromJson(['uuid', 'ABCDEF01-2345-6789-abcd-ef0123456789'], plainBaseType('uuid'), null),
      'abcdef01-2345-6789-abcd-ef0123456789');
    throwsOvsdb(() => atomFromJson(1.5, plainBaseType('integer'), null), 'syntax error', 'expected integer');
    throwsOvsdb(() => atomFromJson('1', plainBaseType('real'), null), 'syntax error', 'expected real');
    throwsOvsdb(() => atomFromJson(0, plainBaseType('boolean'), null), 'syntax error', 'expected boolean');
    throwsOvsdb(() => atomFromJson(['uuid', 'x'], plainBaseType('uuid'), null), 'syntax error', '"x" is not a valid UUID');
    throwsOvsdb(() => atomFromJson(['named-uuid', 'x'], plainBaseType('uuid'), null), 'syntax error', 'expected ["uuid", <string>]');
    const symtab = { resolve: (name: string) => (name === 'row1' ? '11111111-1111-1111-1111-111111111111' : 'x') };
    assert.equal(atomFromJson(['named-uuid', 'row1'], plainBaseType('uuid'), symtab), '11111111-1111-1111-1111-111111111111');
    throwsOvsdb(() => atomFromJson(['named-uuid', '9x'], plainBaseType('uuid'), symtab), 'syntax error', 'named-uuid string is not a valid <id>');
    assert.ok(isUuidString('abcdef01-2345-6789-abcd-ef0123456789'));
    assert.ok(!isUuidString('abcdef01-2345-6789-abcd-ef012345678'));
  });

  it('checks constraints with upstream wording', () => {
    const t = (json: Json) => parseColumnType(json).key;
    throwsOvsdb(() => checkAtomConstraints(0, t({ key: { type: 'integer', minInteger: 1 } })), 'constraint violation', '0 is less than minimum allowed value 1');
    throwsOvsdb(() => checkAtomConstraints(9, t({ key: { type: 'integer', maxInteger: 8 } })), 'constraint violation', '9 is greater than maximum allowed value 8');
    throwsOvsdb(() => checkAtomConstraints(0.5, t({ key: { type: 'real', minReal: 1.25, maxReal: 2 } })), 'constraint violation', '0.5 is not in the valid range 1.25 to 2 (inclusive)');
    throwsOvsdb(() => checkAtomConstraints('é€', t({ key: { type: 'string', maxLength: 1 } })), 'constraint violation', '"é€" length 2 is greater than maximum allowed length 1');
    throwsOvsdb(() => checkAtomConstraints(4, t({ key: { type: 'integer', enum: ['set', [1, 2]] } })), 'constraint violation', '4 is not one of the allowed values ([1, 2])');
    checkAtomConstraints('\u{1F600}', t({ key: { type: 'string', maxLength: 1 } })); // one code point
  });

  it('prints atoms in ovs-vsctl syntax, quoting strings only when needed', () => {
    assert.equal(atomToString('abc', 'string'), 'abc');
    assert.equal(atomToString('a-b.c_1', 'string'), 'a-b.c_1');
    for (const s of ['', 'true', 'false', 'a b', '1abc', '12345678-1234-1234-1234-123456789abc']) {
      assert.equal(atomToString(s, 'string'), JSON.stringify(s));
    }
    assert.equal(atomToString(0.5, 'real'), '0.5');
    assert.equal(atomToString(false, 'boolean'), 'false');
  });
});

describe('ovsdb data: datums', () => {
  const setOfInts = parseColumnType({ key: 'integer', min: 0, max: 'unlimited' });
  const map = parseColumnType({ key: 'string', value: 'integer', min: 0, max: 'unlimited' });
  const optUuid = parseColumnType({ key: 'uuid', min: 0, max: 1 });

  it('parses sets and maps into canonical order and prints them back in RFC 7047 form', () => {
    const s = datumFromJson(['set', [3, 1, 2]], setOfInts, null);
    assert.deepEqual(s.keys, [1, 2, 3]);
    assert.deepEqual(datumToJson(s, setOfInts), ['set', [1, 2, 3]]);
    assert.deepEqual(datumToJson(datumFromJson(7, setOfInts, null), setOfInts), 7);
    const m = datumFromJson(['map', [['b', 2], ['a', 1]]], map, null);
    assert.deepEqual(datumToJson(m, map), ['map', [['a', 1], ['b', 2]]]);
    assert.deepEqual(datumToJson(datumFromJson(['set', []], optUuid, null), optUuid), ['set', []]);
    assert.deepEqual(datumToJson(datumFromJson(['uuid', '12345678-1234-1234-1234-123456789abc'], optUuid, null), optUuid),
      ['uuid', '12345678-1234-1234-1234-123456789abc']);
  });

  it('rejects malformed datums with upstream errors', () => {
    throwsOvsdb(() => datumFromJson(['set', [1, 1]], setOfInts, null), 'ovsdb error', 'set contains duplicate');
    throwsOvsdb(() => datumFromJson(['map', [['a', 1], ['a', 2]]], map, null), 'ovsdb error', 'map contains duplicate key');
    throwsOvsdb(() => datumFromJson(['set', [1, 2]], optUuid, null), 'syntax error', 'set must have 0 to 1 members but 2 are present');
    throwsOvsdb(() => datumFromJson(['set', []], parseColumnType('integer'), null), 'syntax error', 'set must have exactly one member but 0 are present');
    throwsOvsdb(() => datumFromJson({}, map, null), 'syntax error', 'expected ["map", <array>]');
    throwsOvsdb(() => datumFromJson(['map', [['a']]], map, null), 'syntax error', 'expected 2-element array');
  });

  it('compares datums by size, then keys, then values', () => {
    const d = (j: Json) => datumFromJson(j, map, null);
    assert.ok(compareDatums(d(['map', [['a', 1]]]), d(['map', [['a', 1], ['b', 1]]]), map) < 0);
    assert.ok(compareDatums(d(['map', [['b', 0]]]), d(['map', [['a', 9]]]), map) > 0);
    assert.ok(compareDatums(d(['map', [['a', 1]]]), d(['map', [['a', 2]]]), map) < 0);
    assert.equal(compareDatums(d(['map', [['a', 1]]]), d(['map', [['a', 1]]]), map), 0);
  });

  it('prints datums in ovs-vsctl syntax and builds upstream default values', () => {
    assert.equal(datumToString(datumFromJson(['set', [2, 1]], setOfInts, null), setOfInts), '[1, 2]');
    assert.equal(datumToString(datumFromJson(['map', [['k', 1]]], map, null), map), '{k=1}');
    assert.equal(datumToString(datumFromJson(['set', []], optUuid, null), optUuid), '[]');
    assert.equal(datumToString(datumFromJson('x y', parseColumnType('string'), null), parseColumnType('string')), '"x y"');
    assert.deepEqual(defaultDatum(parseColumnType('string')).keys, ['']);
    assert.deepEqual(defaultDatum(parseColumnType('uuid')).keys, ['00000000-0000-0000-0000-000000000000']);
    assert.deepEqual(defaultDatum(parseColumnType({ key: 'integer', value: 'boolean' })), { keys: [0], values: [false] });
    assert.deepEqual(defaultDatum(setOfInts).keys, []);
  });

  it('describes types in English like upstream', () => {
    assert.equal(typeToEnglish(parseColumnType('integer')), 'integer');
    assert.equal(typeToEnglish(setOfInts), 'set of integers');
    assert.equal(typeToEnglish(parseColumnType({ key: 'string', min: 1, max: 'unlimited' })), 'set of 1 or more strings');
    assert.equal(typeToEnglish(parseColumnType({ key: 'real', min: 1, max: 4 })), 'set of 1 to 4 reals');
    assert.equal(typeToEnglish(map), 'map of (string, integer) pairs');
  });
});
