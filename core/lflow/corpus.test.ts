// The saved northd corpus (testdata/northd-corpus.json, made by northd-corpus.test.ts with
// LFLOW_WRITE_CORPUS) checked without any daemon: every match parses, type-checks, annotates and
// normalizes; every action parses and checks; canonical printing round-trips.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkCorpus, type Corpus } from './corpus';

const corpusFile = path.resolve(__dirname, '..', '..', '..', 'core', 'lflow', 'testdata', 'northd-corpus.json');

describe('lflow saved northd corpus', () => {
  it('every match and every action from upstream ovn-northd is accepted', () => {
    const corpus = JSON.parse(fs.readFileSync(corpusFile, 'utf8')) as Corpus;
    const report = checkCorpus(corpus);
    console.log(`      ${corpus.generatedBy}: ${report.flows} flows, ${report.matches} distinct matches, ${report.actions} distinct actions; ${report.failures.length} failures`);
    assert.deepEqual(report.failures, []);
    assert.ok(report.matches > 250 && report.actions > 150);
  });

  it('the checker is not vacuous: a corrupted corpus entry is reported', () => {
    const corpus = JSON.parse(fs.readFileSync(corpusFile, 'utf8')) as Corpus;
    corpus.flows.push({ match: 'tcp.dst == 70000', actions: 'ct_mark.blocked = 1;' });
    const report = checkCorpus(corpus);
    assert.equal(report.failures.length, 2);
    assert.match(report.failures[0]!, /17-bit constant/);
    assert.match(report.failures[1]!, /not modifiable/);
  });
});
