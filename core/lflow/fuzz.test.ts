// Seeded fuzzing: mutations of real matches and actions from the northd corpus must each end in a result or
// an LflowError with a position inside the input, never in any other exception (a crash). The seed is
// printed; rerun one with LFLOW_FUZZ_SEED=<seed>.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SeededRandom } from '../runtime/seeded-random';
import type { Random } from '../runtime/random';
import { annotate } from './annotate';
import { checkActions } from './check-actions';
import { corpusLookup, type Corpus } from './corpus';
import { LflowError } from './errors';
import { checkMatchText } from './match';
import { normalize } from './normalize';
import { parseActions } from './parse-actions';
import { printActions } from './print-actions';
import { ovnSymtab } from './symtab';

const corpusFile = path.resolve(__dirname, '..', '..', '..', 'core', 'lflow', 'testdata', 'northd-corpus.json');
const mutationsPerKindCount = 4000;
const alphabet = ' \t\n"\\(){}[]=!<>&|.,;:$@/*-+^#0123456789abcdefxABCDEF:_.gmnrstz\u0001\u00e9';

function mutate(r: Random, s: string, donors: string[]): string {
  const pos = () => r.int(s.length + 1);
  switch (r.int(7)) {
    case 0: {
      const i = pos();
      return s.slice(0, i) + s.slice(i + 1 + r.int(3));
    }
    case 1: {
      const i = pos();
      return s.slice(0, i) + alphabet[r.int(alphabet.length)] + s.slice(i);
    }
    case 2: {
      const i = pos();
      const j = Math.min(s.length, i + 1 + r.int(12));
      return s.slice(0, j) + s.slice(i, j) + s.slice(j);
    }
    case 3:
      return s.slice(0, pos());
    case 4: {
      const d = r.pick(donors);
      const i = pos();
      const k = r.int(d.length + 1);
      return s.slice(0, i) + d.slice(k, k + 1 + r.int(20)) + s.slice(i + r.int(10));
    }
    case 5: {
      const i = pos();
      const open = r.pick(['(', '{', '[', '!(', 'clone { ']);
      return s.slice(0, i) + open.repeat(1 + r.int(150)) + s.slice(i);
    }
    default: {
      const a = s.split('');
      const i = r.int(Math.max(1, a.length));
      const j = r.int(Math.max(1, a.length));
      [a[i], a[j]] = [a[j]!, a[i]!];
      return a.join('');
    }
  }
}

function expectCleanOutcome(input: string, f: () => void): 'ok' | 'error' {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (!(e instanceof LflowError)) {
      throw new Error(`crash (not an LflowError) on ${JSON.stringify(input)}: ${(e as Error).stack ?? String(e)}`);
    }
    assert.ok(e.pos >= 0 && e.pos <= input.length, `position ${e.pos} outside input of ${input.length}: ${JSON.stringify(input)}`);
    assert.ok(e.problem.length > 0);
    return 'error';
  }
}

describe('lflow fuzzing (seeded mutations of real flows)', function () {
  this.timeout(120_000);
  const seed = process.env.LFLOW_FUZZ_SEED ?? '20230301';
  const corpus = JSON.parse(fs.readFileSync(corpusFile, 'utf8')) as Corpus;
  const symtab = ovnSymtab();
  const ctx = { symtab, names: corpusLookup(corpus) };
  const matches = [...new Set(corpus.flows.map((f) => f.match))];
  const actions = [...new Set(corpus.flows.map((f) => f.actions))];

  before(() => console.log(`      fuzz seed ${seed} (replay: LFLOW_FUZZ_SEED=${seed} npx mocha dist/core/lflow/fuzz.test.js)`));

  it(`${mutationsPerKindCount} mutated matches each parse, check and normalize or fail with a positioned error`, () => {
    const r = new SeededRandom(seed).fork('match');
    const outcomes = { ok: 0, error: 0 };
    for (let i = 0; i < mutationsPerKindCount; i++) {
      let s = r.pick(matches);
      for (let k = 1 + r.int(3); k > 0; k--) s = mutate(r, s, matches);
      const out = expectCleanOutcome(s, () => {
        const c = checkMatchText(s, ctx, { maxConjunctions: 2_000 });
        if (!c.ok) throw c.error;
        normalize(annotate(c.value.expr, symtab), { maxConjunctions: 2_000 });
      });
      outcomes[out]++;
    }
    console.log(`      matches: ${outcomes.ok} accepted, ${outcomes.error} refused with positioned errors`);
    assert.ok(outcomes.ok > 0 && outcomes.error > 0, 'mutations should produce both outcomes');
  });

  it(`${mutationsPerKindCount} mutated actions each parse and check or fail with a positioned error`, () => {
    const r = new SeededRandom(seed).fork('actions');
    const outcomes = { ok: 0, error: 0 };
    for (let i = 0; i < mutationsPerKindCount; i++) {
      let s = r.pick(actions);
      for (let k = 1 + r.int(3); k > 0; k--) s = mutate(r, s, actions);
      const out = expectCleanOutcome(s, () => {
        const p = parseActions(s);
        if (!p.ok) throw p.error;
        checkActions(p.value, ctx);
        // Whatever parses must print to text that parses to the same thing.
        const printed = printActions(p.value);
        const again = parseActions(printed);
        assert.ok(again.ok && printActions(again.value) === printed, `print round trip: ${JSON.stringify(s)} -> ${printed}`);
      });
      outcomes[out]++;
    }
    console.log(`      actions: ${outcomes.ok} accepted, ${outcomes.error} refused with positioned errors`);
    assert.ok(outcomes.ok > 0 && outcomes.error > 0, 'mutations should produce both outcomes');
  });
});
