// Differential test of match semantics against upstream: ovn-trace evaluates each logical flow's match
// on a microflow with upstream's annotation and evaluation (prerequisites, predicates, subfield bits). With
// ovn-northd stopped and every Logical_Flow removed, ingress tables 0..K-1 of sw0 each get one seeded random
// expression (priority 100) and a fallback "1" (priority 0), one packet is traced, and the stages that
// report the expression's flow are the expressions upstream says match. We compare with our evaluate()
// of the annotated expression, and of its normal form.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomMatch } from '../../test-support/match-generator';
import { upstreamOrSkip } from '../../test-support/upstream';
import type { Random } from '../runtime/random';
import { SeededRandom } from '../runtime/seeded-random';
import { annotate } from './annotate';
import { checkMatch } from './check-match';
import { LflowTooComplexError } from './errors';
import { evaluate, type Packet } from './evaluate';
import { noNames } from './lookup';
import { runUpstream, startSandbox, type Sandbox } from './northd-corpus.test';
import { normalize } from './normalize';
import { parseMatchOrThrow } from './parse-match';
import { ovnSymtab } from './symtab';

const tracesCount = 15;
const tablesPerTraceCount = 20;

interface TracePacket {
  microflow: string;
  packet: Packet;
}

function randomPacket(r: Random): TracePacket {
  const inport = r.pick(['vm1', 'vm2']);
  const ethDst = r.pick([1n, 0xffffffffffffn, 0x01005e000001n]);
  const reg0 = r.pick([0n, 1n, 5n, 0x15n, 0xffffffffn]);
  const ctState = r.pick([0n, 0x21n, 0x22n, 0x2an, 0x24n]);
  const flags = r.pick([0n, 1n]);
  const ctMark = r.pick([0n, 1n]);
  const mac = (v: bigint) => v.toString(16).padStart(12, '0').replace(/(..)(?!$)/g, '$1:');
  const fields: Array<[string, bigint | string, string]> = [
    ['inport', inport, `inport == "${inport}"`],
    ['eth.dst', ethDst, `eth.dst == ${mac(ethDst)}`],
    ['xxreg0', reg0 << 96n, `reg0 == ${reg0}`],
    ['ct_state', ctState, `ct_state == ${ctState}`],
    ['flags', flags, `flags == ${flags}`],
    ['ct_mark', ctMark, `ct_mark == ${ctMark}`],
  ];
  const kind = r.pick(['tcp4', 'udp4', 'arp', 'tcp6']);
  const ip4 = r.pick([0x0a000001n, 0x0a0000ffn, 0xc0a80101n]);
  const port = r.pick([22n, 53n, 80n, 443n, 1500n, 65535n]);
  const ip4Text = `${ip4 >> 24n}.${(ip4 >> 16n) & 255n}.${(ip4 >> 8n) & 255n}.${ip4 & 255n}`;
  if (kind === 'tcp4' || kind === 'udp4') {
    const proto = kind === 'tcp4' ? 6n : 17n;
    fields.push(['eth.type', 0x800n, 'eth.type == 0x800'], ['ip.proto', proto, `ip.proto == ${proto}`], ['ip4.src', ip4, `ip4.src == ${ip4Text}`]);
    fields.push(kind === 'tcp4' ? ['tcp.dst', port, `tcp.dst == ${port}`] : ['udp.dst', port, `udp.dst == ${port}`]);
  } else if (kind === 'tcp6') {
    fields.push(['eth.type', 0x86ddn, 'eth.type == 0x86dd'], ['ip.proto', 6n, 'ip.proto == 6'], ['tcp.dst', port, `tcp.dst == ${port}`]);
  } else {
    fields.push(['eth.type', 0x806n, 'eth.type == 0x806']);
  }
  return { microflow: fields.map((f) => f[2]).join(' && '), packet: new Map(fields.map(([k, v]) => [k, v])) };
}

describe('lflow match semantics agree with upstream (ovn-trace evaluation)', function () {
  this.timeout(300_000);
  const seed = process.env.LFLOW_FUZZ_SEED ?? '20230301';
  let dir = '';
  let box: Sandbox | null = null;
  let dp = '';
  before(function () {
    upstreamOrSkip(this, 'ovsdb-tool', 'ovsdb-server', 'ovn-nbctl', 'ovn-sbctl', 'ovn-northd', 'ovn-trace');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lflow-semantics-'));
    box = startSandbox(dir);
    box.stopNorthd();
    const { sb, env } = box;
    dp = runUpstream('ovn-sbctl', [`--db=${sb}`, '--bare', '--columns=_uuid', 'find', 'Datapath_Binding', 'external_ids:name=sw0'], env).trim();
    const all = runUpstream('ovn-sbctl', [`--db=${sb}`, '--bare', '--columns=_uuid', 'list', 'Logical_Flow'], env).trim().split(/\s+/).filter(Boolean);
    runUpstream('ovn-sbctl', [`--db=${sb}`, ...all.flatMap((id) => ['--', 'destroy', 'Logical_Flow', id])], env);
  });
  after(function () {
    box?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`${tracesCount * tablesPerTraceCount} random expressions evaluate as upstream evaluates them`, function () {
    const { sb, env } = box!;
    const symtab = ovnSymtab();
    const r = new SeededRandom(seed).fork('semantics');
    const disagreements: string[] = [];
    let matched = 0;
    let tooComplex = 0;
    for (let t = 0; t < tracesCount; t++) {
      const exprs = Array.from({ length: tablesPerTraceCount }, () => randomMatch(r, 3, false));
      const { microflow, packet } = randomPacket(r);
      const old = runUpstream('ovn-sbctl', [`--db=${sb}`, '--bare', '--columns=_uuid', 'list', 'Logical_Flow'], env).trim().split(/\s+/).filter(Boolean);
      const flow = (table: number, priority: number, match: string, actions: string) => ['--', 'create', 'Logical_Flow',
        `logical_datapath=${dp}`, 'pipeline=ingress', `table_id=${table}`, `priority=${priority}`, `match=${JSON.stringify(match)}`,
        `actions=${JSON.stringify(actions)}`, `external_ids:stage-name=t${table}`];
      // ovn-trace omits stages whose flow is "1" with a bare next; the expression's flow also writes reg9[0]
      // (which no expression reads) so that it is always reported when it matches.
      runUpstream('ovn-sbctl', [`--db=${sb}`, ...old.flatMap((id) => ['--', 'destroy', 'Logical_Flow', id]),
        ...exprs.flatMap((e, i) => [...flow(i, 100, e, 'reg9[0] = 1; next;'), ...flow(i, 0, '1', 'next;')])], env);
      const out = spawnSync('ovn-trace', [`--db=${sb}`, 'sw0', microflow], { env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(out.status, 0, `ovn-trace failed: ${out.stderr}`);
      assert.ok(!/WARN/.test(out.stderr), `ovn-trace warned: ${out.stderr}`);
      assert.match(out.stdout, new RegExp(`^ *${tablesPerTraceCount}\\. no match`, 'm'), `trace did not cross all tables:\n${out.stdout}`);
      const upstreamMatched = new Set([...out.stdout.matchAll(/^ *(\d+)\. t\d+: .*, priority 100,/gm)].map((m) => Number(m[1])));
      exprs.forEach((e, i) => {
        const a = annotate(checkMatch(parseMatchOrThrow(e), { symtab, names: noNames }), symtab);
        const ours = evaluate(a, packet, { symtab });
        let ourNormal = ours;
        try {
          ourNormal = evaluate(normalize(a), packet, { symtab });
        } catch (err) {
          if (!(err instanceof LflowTooComplexError)) throw err;
          tooComplex++; // beyond the DNF bound: only the annotated form is compared
        }
        const up = upstreamMatched.has(i);
        if (up) matched++;
        if (ours !== up || ourNormal !== up) disagreements.push(`${e} on ${microflow}: upstream ${up}, ours ${ours}, normalized ${ourNormal}`);
      });
    }
    console.log(`      seed ${seed}: ${tracesCount * tablesPerTraceCount} expressions traced, ${matched} matched upstream; ${tooComplex} too complex to normalize`);
    assert.deepEqual(disagreements, []);
    assert.ok(matched > 20 && matched < tracesCount * tablesPerTraceCount - 20, 'both outcomes must occur');
  });
});
