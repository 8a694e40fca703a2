// Pure tests of the command-line and JSON parsing that mimic upstream (expected texts were taken from
// upstream's ovsdb-tool/ovsdb-client 3.1; the upstream-comparison suites check them against the binaries).
import { strict as assert } from 'node:assert';
import { getoptLong, type OptionSpec } from './getopt';
import { ToolExit } from './tool-exit';
import { parseUpstreamJson } from './upstream-json';

const specs: OptionSpec[] = [
  { long: 'format', short: 'f', argument: 'required' },
  { long: 'no-headings', argument: 'none' },
  { long: 'more', short: 'm', argument: 'none' },
  { long: 'verbose', short: 'v', argument: 'optional' },
];

function getoptError(args: string[]): string {
  try {
    getoptLong(args, specs);
  } catch (e) {
    if (e instanceof ToolExit) return e.message;
    throw e;
  }
  return 'no error';
}

describe('getopt_long emulation', () => {
  it('mixes options and operands, takes arguments both ways, clusters short options and stops at --', () => {
    const r = getoptLong(['-mm', 'show-log', '--format', 'csv', 'x', '--form=json', '-fhtml', '--verbose', '--', '--more'], specs);
    assert.deepEqual(r.operands, ['show-log', 'x', '--more']);
    assert.deepEqual(r.options.map((o) => `${o.name}=${o.value}`), ['more=null', 'more=null', 'format=csv', 'format=json', 'format=html', 'verbose=null']);
  });

  it('reports mistakes with glibc texts', () => {
    assert.equal(getoptError(['--bogus']), "unrecognized option '--bogus'");
    assert.equal(getoptError(['-x']), "invalid option -- 'x'");
    assert.equal(getoptError(['--format']), "option '--format' requires an argument");
    assert.equal(getoptError(['-f']), "option requires an argument -- 'f'");
    assert.equal(getoptError(['--no-headings=1']), "option '--no-headings' doesn't allow an argument");
    assert.deepEqual(getoptLong(['--m'], specs).options, [{ name: 'more', value: null }]);
    assert.equal(getoptError(['--'] ), 'no error');
    assert.equal(getoptError(['--fo', 'x', '--f=y']), 'no error');
  });
});

describe('upstream JSON parser emulation', () => {
  const cases: Array<[string, string]> = [
    ['[', 'line 0, column 1, byte 1: unexpected end of input'],
    ['"x"', 'line 0, column 2, byte 2: syntax error at beginning of input'],
    ['[1,2', 'line 0, column 5, byte 5: unexpected end of input'],
    ['[tru]', "line 0, column 4, byte 4: invalid keyword 'tru'"],
    ['[01]', 'line 0, column 3, byte 3: leading zeros not allowed'],
    ['{"a" 1}', "line 0, column 6, byte 6: syntax error parsing object expecting ':'"],
    ['  \n [\n "a\\q"]', 'line 2, column 5, byte 11: bad escape \\q'],
    ['["\\u0000"]', 'line 0, column 8, byte 8: null bytes not supported in quoted strings'],
    ['[\u00ff]', 'line 0, column 1, byte 1: invalid character U+00c3'],
    ['', 'line 0, column 0, byte 0: empty input stream'],
    ['[1e400]', 'line 0, column 6, byte 6: number outside valid range'],
    ['{"a":1}x', "line 0, column 8, byte 8: invalid keyword 'x'"],
  ];
  for (const [text, error] of cases) {
    it(`rejects ${JSON.stringify(text)} as upstream does`, () => {
      assert.deepEqual(parseUpstreamJson(text), { ok: false, error });
    });
  }

  it('parses valid JSON like upstream: integral numbers as integers, -0 as 0, later duplicates win in place', () => {
    assert.deepEqual(parseUpstreamJson('[1.5e3, -0, 0.25, "\\u00e9\\ud83d\\ude00", true, null, {"b":1,"a":2,"b":3}]'),
      { ok: true, value: [1500, 0, 0.25, '\u00e9\u{1f600}', true, null, { b: 3, a: 2 }] });
    const parsed = parseUpstreamJson('{"__proto__": 1}');
    assert.ok(parsed.ok && Object.keys(parsed.value as object).includes('__proto__'));
  });
});
