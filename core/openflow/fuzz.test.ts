// Seeded fuzz of the decoder: mutated encodings of every sample message must decode to a value or to an
// error value (never throw), errors must point inside the input, and anything that decodes must re-encode
// to bytes that decode to the same value.
import { strict as assert } from 'node:assert';
import { SeededRandom } from '../runtime/seeded-random';
import { decodeMessage, encodeMessage } from './messages/codec';
import { toHex } from './bytes';
import { sampleMessages } from './testdata/samples';

const fuzzSeed = process.env.FUZZ_SEED ?? 'openflow-fuzz-1';
const mutationsPerMessage = Number(process.env.FUZZ_MUTATIONS ?? 300);

function mutate(rng: SeededRandom, input: Uint8Array): Uint8Array {
  const b = input.slice();
  switch (rng.int(5)) {
    case 0: { // flip a few bytes, keeping the header length honest
      const n = rng.intBetween(1, 4);
      for (let i = 0; i < n; i++) b[rng.intBetween(8, Math.max(8, b.length - 1)) % b.length] = rng.int(256);
      return b;
    }
    case 1: { // truncate and fix the header length
      const len = rng.intBetween(8, b.length);
      const t = b.slice(0, len);
      t[2] = len >> 8;
      t[3] = len & 0xff;
      return t;
    }
    case 2: { // corrupt a 16-bit length-looking field
      const at = rng.intBetween(8, Math.max(8, b.length - 2));
      if (at + 1 < b.length) { b[at] = rng.int(4); b[at + 1] = rng.int(256); }
      return b;
    }
    case 3: { // append random bytes
      const extra = rng.bytes(rng.intBetween(1, 16));
      const t = new Uint8Array(b.length + extra.length);
      t.set(b);
      t.set(extra, b.length);
      t[2] = t.length >> 8;
      t[3] = t.length & 0xff;
      return t;
    }
    default: // random bytes in a valid header
      return b.map((x, i) => (i < 8 ? x : rng.chance(0.1) ? rng.int(256) : x));
  }
}

describe('openflow decoder fuzz', () => {
  it(`never throws on mutated input (seed "${fuzzSeed}", FUZZ_SEED to replay)`, () => {
    console.log(`      openflow fuzz seed: ${fuzzSeed}`);
    const rng = new SeededRandom(fuzzSeed);
    let ok = 0;
    let bad = 0;
    for (const m of sampleMessages()) {
      const bytes = encodeMessage(m);
      for (let i = 0; i < mutationsPerMessage; i++) {
        const input = mutate(rng, bytes);
        let r;
        try {
          r = decodeMessage(input);
        } catch (e) {
          assert.fail(`seed ${fuzzSeed}: decodeMessage threw on ${m.type} mutation ${i}: ${String(e)}`);
        }
        if (r.ok) {
          ok++;
          const reencoded = encodeMessage(r.value);
          const again = decodeMessage(reencoded);
          assert.ok(again.ok, `seed ${fuzzSeed}: re-encoded ${m.type} mutation ${i} does not decode`);
          assert.deepEqual(again.value, r.value);
          // Whatever decodes must re-encode to exactly the input (nothing normalized or dropped silently),
          // except HELLO, whose unknown elements are ignored as the spec requires.
          if (r.value.type !== 'hello') assert.equal(toHex(reencoded), toHex(input), `seed ${fuzzSeed}: ${m.type} mutation ${i} re-encodes differently`);
        } else {
          bad++;
          assert.ok(r.error.offset >= 0 && r.error.offset <= input.length, `offset ${r.error.offset} outside input of ${input.length}: ${r.error.message}`);
          assert.ok(r.error.what.length > 0);
          assert.doesNotMatch(r.error.message, /unexpected:/, `seed ${fuzzSeed}: untyped failure on ${m.type}: ${r.error.message}`);
        }
      }
    }
    assert.ok(ok > 0 && bad > 0, `expected both outcomes, got ok=${ok} bad=${bad}`);
  });

  it('rejects random garbage of every length with an error value', () => {
    const rng = new SeededRandom(`${fuzzSeed}/garbage`);
    for (let i = 0; i < 2000; i++) {
      const input = rng.bytes(rng.int(64));
      const r = decodeMessage(input);
      if (!r.ok) assert.ok(r.error.offset <= Math.max(input.length, 2));
    }
  });
});
