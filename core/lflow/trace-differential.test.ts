// Differential test of the match type checker against upstream: ovn-trace parses and type-checks a
// microflow with upstream's own symbol table (lib/expr.c, lib/logical-fields.c) before tracing it. For each
// expression we compare "upstream accepted its types" with "our checkMatch accepted it". Upstream verdicts
// "Constraints are ambiguous/contradictory" come after type checking succeeded, so they count as accepted.
// Inputs: hand-written cases, every corpus match, and seeded mutations of corpus matches.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { SeededRandom } from '../runtime/seeded-random';
import type { Random } from '../runtime/random';
import { checkMatch } from './check-match';
import { corpusLookup, type Corpus } from './corpus';
import { attempt } from './errors';
import { parseMatchOrThrow } from './parse-match';
import { dumpCorpus, startSandbox, type Sandbox } from './northd-corpus.test';
import { ovnSymtab } from './symtab';

const handWritten = [
  'inport == "vm1" && tcp.dst == 80', 'tcp.dst == 65536', 'ip.proto != 6', '!(ip.proto != 6)', 'foo == 1',
  'tcp.dst < 80', 'inport == 1', 'reg0 == "x"', '!ip4', 'ip4 == 0', 'tcp == 1', 'reg0', '!reg0', 'reg0[3]',
  'reg0[32] == 1', 'inport[0] == 1', 'eth.type[0..3] == 1', 'tcp.dst < {1, 2}', 'ip.proto < 6', 'eth.bcast <= 1',
  'ip4.src < 10.0.0.0/8', 'ip4.src == 10.0.0.0/8', 'ip6.src == fe80::/64', 'eth.src == 01:00:00:00:00:00/01:00:00:00:00:00',
  'inport == {"a", 1}', 'ip4.dst == $as1', 'ip4.dst == $nope', 'inport == @pg1', 'inport == @nope', 'tcp.dst == 10.0.0.1',
  'ip4.src == fe80::1', '1000 <= tcp.dst <= 2000', '1 < tcp.dst > 2', 'a && b || c', '!tcp.dst == 1', 'ct.est && !ct.new',
  'ct_mark.blocked == 1', 'ct_label.label == 5', 'flags.loopback', 'ip.later_frag', '!ip.later_frag', 'eth.mcast',
  'vlan.vid == 5', 'vlan.present', 'nd.target == fd00::1', 'nd.sll == 00:00:00:00:00:01', 'icmp4.type == 8', 'icmp6.code == 0',
  'arp.op == {1, 2}', 'rarp.op == 3', 'mldv1', 'mldv2', 'igmp', 'sctp.dst == 9', 'pkt.mark == 5', 'xxreg1[0..63] == 0x1',
  'xreg4 == 1', 'ip.dscp == 63', 'ip.dscp == 64', 'ip.ecn == 3', 'ip6.label == 0xfffff', 'ip6.label == 0x100000',
  'tcp.flags == 0x2', 'ip.frag == 1', 'icmp4.frag_mtu == 1400', 'is_chassis_resident("vm1")', 'outport == "x" && 1', '0',
  'reg0[0..3] == 16', 'ip4.mcast', 'ip6.mcast_flood', 'eth.mcastv6', 'ip4.src_mcast', 'reg9[0..15] == 65535', 'ct_state == 0x21/0x21',
];
const mutationsCount = 150;

/** null: ovn-trace itself crashed after parsing (it does on OVN-only fields like icmp4.frag_mtu). */
type Verdict = { accepted: boolean; message: string } | null;

function upstreamVerdict(box: Sandbox, text: string): Verdict {
  // An ingress port keeps ovn-trace's own tracing from asserting; it does not change type checking.
  const microflow = `inport == "vm1" && (${text})`;
  const r = spawnSync('ovn-trace', [`--db=${box.sb}`, '--minimal', 'sw0', microflow], { env: box.env, encoding: 'utf8', timeout: 10_000 });
  const out = `${r.stdout}${r.stderr}`;
  const m = /error parsing flow: (.*)/.exec(out);
  if (!m) {
    if (r.signal !== null || (r.status !== 0 && !out.includes('#'))) return null;
    assert.ok(out.includes('#'), `unexpected ovn-trace output for ${text}: ${out}`);
    return { accepted: true, message: '' };
  }
  const message = m[1]!;
  return { accepted: /^Constraints are (ambiguous|contradictory)/.test(message), message };
}

function mutate(r: Random, s: string): string {
  const i = r.int(s.length + 1);
  const pieces = [' ', '!', '(', ')', '==', '!=', '<', '&&', '||', '{', '}', '[', ']', '0', '1', '65536', '0x', '.', '"', '$', '@', 'reg0', 'ip4', 'tcp.dst', '/8', ':'];
  switch (r.int(3)) {
    case 0:
      return s.slice(0, i) + s.slice(i + 1 + r.int(4));
    case 1:
      return s.slice(0, i) + r.pick(pieces) + s.slice(i);
    default:
      return s.slice(0, i) + r.pick(pieces) + s.slice(i + 1 + r.int(4));
  }
}

describe('lflow type checking agrees with upstream ovn-trace', function () {
  this.timeout(300_000);
  let dir = '';
  let box: Sandbox | null = null;
  let corpus: Corpus | null = null;
  before(function () {
    upstreamOrSkip(this, 'ovsdb-tool', 'ovsdb-server', 'ovn-nbctl', 'ovn-sbctl', 'ovn-northd', 'ovn-trace');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lflow-trace-'));
    box = startSandbox(dir);
    corpus = dumpCorpus(box);
    corpus.addressSets['as1'] = corpus.addressSets['as1'] ?? [];
  });
  after(function () {
    box?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts and rejects the same expressions (hand-written, corpus, seeded mutations)', function () {
    const symtab = ovnSymtab();
    const ctx = { symtab, names: corpusLookup(corpus!) };
    const seed = process.env.LFLOW_FUZZ_SEED ?? '20230301';
    const r = new SeededRandom(seed).fork('trace');
    const matches = [...new Set(corpus!.flows.map((f) => f.match))];
    const inputs = [...handWritten, ...matches];
    for (let i = 0; i < mutationsCount; i++) inputs.push(mutate(r, mutate(r, r.pick(matches))));
    const disagreements: string[] = [];
    let stricter = 0;
    let portGroupMisses = 0;
    const crashed: string[] = [];
    let accepted = 0;
    for (const text of new Set(inputs)) {
      const up = upstreamVerdict(box!, text);
      const ours = attempt(() => checkMatch(parseMatchOrThrow(text), ctx));
      if (up === null) {
        crashed.push(text);
        continue;
      }
      if (ours.ok) accepted++;
      if (up.accepted === ours.ok) continue;
      // Deliberate: we refuse a constant wider than the selected bits (reg0[0..3] == 16); upstream checks it
      // against the whole field and silently drops the extra bits.
      if (up.accepted && !ours.ok && /-bit constant is not compatible with \d+-bit field \S+\[/.test(ours.error.problem)) {
        stricter++;
        continue;
      }
      // ovn-trace resolves @name only as "<datapath key>_name" of the datapath it is given, which may differ.
      if (!up.accepted && ours.ok && /expecting port group name/.test(up.message)) {
        portGroupMisses++;
        continue;
      }
      disagreements.push(`${JSON.stringify(text)}: upstream ${up.accepted ? 'accepts' : `rejects (${up.message})`}, ours ${ours.ok ? 'accepts' : `rejects (${ours.error.problem})`}`);
    }
    console.log(`      seed ${seed}: ${new Set(inputs).size} expressions, ${accepted} accepted by both; ${stricter} refused only by our stricter subfield width check; ${portGroupMisses} port group names ovn-trace could not resolve; ovn-trace crashed on ${JSON.stringify(crashed)}`);
    assert.deepEqual(disagreements, []);
    assert.ok(stricter >= 1 && accepted > 300, 'the comparison saw both verdicts and the known divergence');
  });
});
