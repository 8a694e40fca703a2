// Property tests: the streaming reader agrees with JSON.parse on any text our formatter writes, however the
// bytes are chunked, and formatting is stable once values have been through upstream's number rules.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { formatJson, JsonFormatError } from './format';
import { JsonStreamReader } from './stream-reader';
import type { JsonValue } from './value';

const enc = new TextEncoder();

function formatOrNull(v: JsonValue): string | null {
  try {
    return formatJson(v);
  } catch (e) {
    if (e instanceof JsonFormatError) return null; // e.g. strings with NUL, which upstream cannot hold
    throw e;
  }
}

const values = fc.array(fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 6 }).map((v) => [v] as JsonValue), { minLength: 1, maxLength: 5 });

describe('JSON formatter and stream reader (properties)', () => {
  it('reads back exactly what JSON.parse reads, for any chunking of concatenated messages', () => {
    fc.assert(
      fc.property(values, fc.array(fc.nat(), { maxLength: 12 }), (messages, cutSeeds) => {
        const texts = messages.map(formatOrNull).filter((t): t is string => t !== null);
        const bytes = enc.encode(texts.join(''));
        const cuts = [...new Set(cutSeeds.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const reader = new JsonStreamReader();
        const out: JsonValue[] = [];
        let at = 0;
        for (const cut of [...cuts, bytes.length]) {
          const batch = reader.push(bytes.subarray(at, cut));
          assert.equal(batch.error, null);
          out.push(...batch.values);
          at = cut;
        }
        assert.equal(reader.finish(), null);
        assert.deepEqual(out, texts.map((t) => JSON.parse(t) as JsonValue));
      }),
      { numRuns: 300 },
    );
  });

  it('formats a value the same way after it has been through one upstream-style round trip', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 4 }), (v) => {
        const first = formatOrNull([v as JsonValue]);
        if (first === null) return;
        const once = formatJson(JSON.parse(first) as JsonValue);
        assert.equal(formatJson(JSON.parse(once) as JsonValue), once);
      }),
      { numRuns: 300 },
    );
  });
});
