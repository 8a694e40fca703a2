import { strict as assert } from 'node:assert';
import { ovsdbNb } from './ovsdb-nb';
import { defaultScenarioName, findScenario } from './index';

function run(seed: string) {
  const lines: string[] = [];
  const result = ovsdbNb.run({ seed, report: (l) => lines.push(l) });
  return { result, lines };
}

describe('scenario ovsdb-nb', () => {
  it('passes its checks, and the same seed gives the same trace and report', () => {
    const a = run('11');
    const b = run('11');
    assert.ok(a.result.ok, a.lines.join('\n'));
    assert.equal(a.result.traceHash, b.result.traceHash);
    assert.deepEqual(a.lines, b.lines);
    assert.ok(a.lines.some((l) => /monitors converged: 5\/5/.test(l)), a.lines.join('\n'));
    assert.ok(a.lines.some((l) => /fault crash nb/.test(l)));
  });

  it('different seeds give different runs, all passing', () => {
    const hashes = new Set<string>();
    for (const seed of ['21', '22', '23']) {
      const r = run(seed);
      assert.ok(r.result.ok, `seed ${seed}:\n${r.lines.join('\n')}`);
      hashes.add(r.result.traceHash);
    }
    assert.equal(hashes.size, 3);
  });

  it('is registered (and is the default scenario)', () => {
    assert.equal(findScenario('ovsdb-nb'), ovsdbNb);
    assert.equal(defaultScenarioName, 'ovsdb-nb');
  });
});
