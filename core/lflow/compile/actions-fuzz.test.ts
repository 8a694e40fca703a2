// Seeded fuzzing of action encoding: mutations of the action cases of the upstream differential test (every
// action with upstream-encoded arguments) and of the corpus must each encode or fail with an LflowError
// positioned inside the input, never with any other exception. Rerun a seed with LFLOW_FUZZ_SEED=<seed>.
import { strict as assert } from 'node:assert';
import { SeededRandom } from '../../runtime/seeded-random';
import type { Random } from '../../runtime/random';
import { LflowError } from '../errors';
import { actionCases as cases } from '../testdata/action-cases';
import { loadCorpus } from './corpus.test';
import { encodeText } from './encode-kit.test';

const mutationsCount = 3000;
const alphabet = ' "(){}[]=,;:$./-0123456789abcdefx_';

function mutate(r: Random, s: string, donors: readonly string[]): string {
  const i = r.int(s.length + 1);
  switch (r.int(5)) {
    case 0:
      return s.slice(0, i) + s.slice(i + 1 + r.int(4));
    case 1:
      return s.slice(0, i) + alphabet[r.int(alphabet.length)] + s.slice(i);
    case 2: {
      const d = r.pick(donors);
      const k = r.int(d.length + 1);
      return s.slice(0, i) + d.slice(k, k + 1 + r.int(16)) + s.slice(i + r.int(8));
    }
    case 3: {
      // Replace a number by an extreme one: the encoders' ranges and truncations.
      return s.replace(/\d+/, r.pick(['0', '65536', '4294967296', '99999999999999999999', '256']));
    }
    default:
      return s.slice(0, i);
  }
}

describe('lflow compile: action encoding fuzz (seeded)', function () {
  this.timeout(60_000);
  const seed = process.env.LFLOW_FUZZ_SEED ?? '20230302';

  it(`${mutationsCount} mutated action lists each encode or fail with a positioned LflowError`, function () {
    console.log(`      fuzz seed ${seed} (replay: LFLOW_FUZZ_SEED=${seed})`);
    const r = new SeededRandom(seed).fork('encode');
    const inputs = [...cases.map((c) => c.actions), ...new Set(loadCorpus().flows.map((f) => f.actions))];
    const outcomes = { ok: 0, error: 0 };
    for (let n = 0; n < mutationsCount; n++) {
      const text = mutate(r, r.pick(inputs), inputs);
      try {
        encodeText(text, { isSwitch: r.int(2) === 0, ctx: { collectorSetIds: new Set([5]), tunnelOfport: () => 9 } });
        outcomes.ok++;
      } catch (e) {
        if (!(e instanceof LflowError)) throw new Error(`crash (not an LflowError) on ${JSON.stringify(text)} (seed ${seed}): ${(e as Error).stack ?? String(e)}`);
        assert.ok(e.pos >= 0 && e.pos <= text.length, `position ${e.pos} outside ${JSON.stringify(text)}`);
        outcomes.error++;
      }
    }
    console.log(`      ${outcomes.ok} encoded, ${outcomes.error} refused with a positioned error`);
    assert.ok(outcomes.ok > mutationsCount / 10, 'the mutations should not all be refused');
  });
});
