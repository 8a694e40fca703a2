// Differential test of the action parser and checker against upstream: with ovn-northd stopped, logical
// flows carrying corpus actions and seeded mutations of them are written into the Southbound database,
// and ovn-trace (which parses every flow with upstream lib/actions.c) reports each one it cannot parse.
// Guarantee checked: every action we refuse, upstream refuses too (we never reject valid input), and all
// corpus actions are accepted by both. Upstream refuses more: its per-action argument rules (next's
// pipeline names, ct_lb backend syntax, log severities ...) belong to action encoding, a later stage;
// the count is printed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { SeededRandom } from '../runtime/seeded-random';
import { checkActions } from './check-actions';
import { corpusLookup, type Corpus } from './corpus';
import { attempt } from './errors';
import { parseActionsOrThrow } from './parse-actions';
import { dumpCorpus, runUpstream, startSandbox, type Sandbox } from './northd-corpus.test';
import { ovnSymtab } from './symtab';

const mutationsCount = 600;
const pieces = [' ', ';', '(', ')', '{', '}', '[', ']', '=', '<->', '--', ',', '"', '0', '1', '65536', '0x', '.', ':', '-',
  'reg0', 'reg0[0]', 'ct_mark.blocked', 'outport', 'next', 'output', 'ip4.dst', 'eth.src', 'ct_commit', 'clone', '{ output; }'];

function mutate(r: SeededRandom, s: string): string {
  const i = r.int(s.length + 1);
  switch (r.int(3)) {
    case 0:
      return s.slice(0, i) + s.slice(i + 1 + r.int(4));
    case 1:
      return s.slice(0, i) + r.pick(pieces) + s.slice(i);
    default:
      return s.slice(0, i) + r.pick(pieces) + s.slice(i + 1 + r.int(6));
  }
}

/**
 * Upstream lexes lazily and set_meter skips its burst token without looking at it, so upstream accepts
 * "set_meter(1000, 01)" although "01" is not a valid constant anywhere else. We lex eagerly and refuse it.
 */
function knownDivergence(action: string, problem: string): boolean {
  return action.includes('set_meter(') && /leading zeros|Invalid numeric|Hex digits|hexadecimal|less than 2\*\*64/.test(problem);
}

describe('lflow actions agree with upstream (ovn-trace parsing SB flows)', function () {
  this.timeout(300_000);
  let dir = '';
  let box: Sandbox | null = null;
  let corpus: Corpus | null = null;
  before(function () {
    upstreamOrSkip(this, 'ovsdb-tool', 'ovsdb-server', 'ovn-nbctl', 'ovn-sbctl', 'ovn-northd', 'ovn-trace');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lflow-actions-'));
    box = startSandbox(dir);
    corpus = dumpCorpus(box);
    box.stopNorthd(); // otherwise northd deletes the flows we add
  });
  after(function () {
    box?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('never refuses an action upstream accepts', function () {
    const seed = process.env.LFLOW_FUZZ_SEED ?? '20230301';
    const r = new SeededRandom(seed).fork('actions-differential') as SeededRandom;
    const actions = [...new Set(corpus!.flows.map((f) => f.actions))];
    const inputs = new Set(actions);
    while (inputs.size < actions.length + mutationsCount) inputs.add(mutate(r, mutate(r, r.pick(actions))));
    const { sb, env } = box!;
    const dp = runUpstream('ovn-sbctl', [`--db=${sb}`, '--bare', '--columns=_uuid', 'find', 'Datapath_Binding', 'external_ids:name=sw0'], env).trim();
    assert.match(dp, /^[0-9a-f-]{36}$/);
    // Table 10 of the ingress pipeline: actions like next and ct_* need a following table.
    const creates = [...inputs].flatMap((a) => ['--', 'create', 'Logical_Flow', `logical_datapath=${dp}`, 'pipeline=ingress',
      'table_id=10', 'priority=1', 'match="0"', `actions=${JSON.stringify(a)}`]);
    runUpstream('ovn-sbctl', [`--db=${sb}`, ...creates], env);
    const t = spawnSync('ovn-trace', [`--db=${sb}`, '--minimal', 'sw0', 'inport == "vm1"'], { env, encoding: 'utf8', timeout: 60_000 });
    const rejected = new Map<string, string>();
    for (const m of t.stderr.matchAll(/\|WARN\|(.*): parsing actions failed \((.*)\)$/gm)) rejected.set(m[1]!, m[2]!);
    const ctx = { symtab: ovnSymtab(), names: corpusLookup(corpus!) };
    const falseRejections: string[] = [];
    let bothReject = 0;
    let divergences = 0;
    let onlyUpstreamRejects = 0;
    for (const a of inputs) {
      const ours = attempt(() => checkActions(parseActionsOrThrow(a), ctx));
      // Log lines cannot show newlines faithfully; our mutations never add them.
      const up = rejected.get(a);
      if (!ours.ok && up === undefined && knownDivergence(a, ours.error.problem)) {
        divergences++;
        continue;
      }
      if (!ours.ok && up === undefined) falseRejections.push(`${JSON.stringify(a)}: ours rejects (${ours.error.problem}), upstream accepts`);
      if (!ours.ok && up !== undefined) bothReject++;
      if (ours.ok && up !== undefined) {
        onlyUpstreamRejects++;
        if (process.env.LFLOW_VERBOSE) console.log(`      only upstream rejects ${JSON.stringify(a)}: ${up}`);
      }
    }
    for (const a of actions) assert.ok(!rejected.has(a), `upstream rejects its own corpus action ${a}: ${rejected.get(a)}`);
    console.log(`      seed ${seed}: ${inputs.size} actions; upstream rejects ${rejected.size}; both reject ${bothReject}; only upstream rejects ${onlyUpstreamRejects} (per-action argument rules, checked at encoding); known divergences ${divergences}`);
    assert.ok(rejected.size > 0 && bothReject > 0, 'the comparison must see rejections');
    assert.deepEqual(falseRejections, []);
  });
});
