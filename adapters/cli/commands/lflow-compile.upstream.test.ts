// `ovn-ts lflow-compile` against an upstream Southbound server: its output for chassis hv1 is, line for
// line after normalization (conjunction and group ids), what upstream ovn-controller installed in the
// logical tables of its br-int, except the pairs a known upstream bug explains; cookies included.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { startControllerOracle, type ControllerOracle } from '../../../test-support/controller-oracle';
import { corpusVifs } from '../../../test-support/ovn-topology';
import { diffMultisets, groupTextsFromDump, normalizeFlows, splitFlowLine } from '../../../test-support/flow-compare';
import { explainDifference } from '../../../test-support/known-upstream-differences';

const main = path.join(__dirname, '..', 'main.js');

function cli(...args: string[]) {
  return spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000 });
}

/** Normalized lines, cookie kept in front so that a wrong cookie is a difference too. */
function normalized(lines: string[]): string[] {
  const flows = lines.filter((l) => !l.startsWith('group_id='));
  const cookies = flows.map((l) => /^cookie=(0x[0-9a-f]+), /.exec(l)?.[1] ?? '0x0');
  return normalizeFlows(flows.map(splitFlowLine), groupTextsFromDump(lines)).map((l, i) => `${cookies[i]} ${l}`);
}

describe('ovn-ts lflow-compile vs upstream ovn-controller', function () {
  this.timeout(120_000);
  let oracle: ControllerOracle | null = null;
  before(function () {
    upstreamOrSkip(this, 'ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-ofctl', 'ovn-nbctl', 'ovn-sbctl', 'ovn-northd', 'ovn-controller');
    oracle = startControllerOracle();
  });
  after(function () {
    oracle?.stop();
  });

  it('prints, for chassis hv1, the flows upstream installs in the logical tables, and the groups they use', function () {
    const o = oracle!;
    const r = cli('lflow-compile', `--db=${o.box.sb}`, '--chassis=hv1', ...corpusVifs.map((v) => `--iface=${v}`));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const ours = r.stdout.split('\n').filter(Boolean);
    const table = (l: string) => Number(/(?:^|, )table=(\d+)/.exec(l)?.[1] ?? 0);
    const logical = (t: number) => (t >= 8 && t < 37) || (t >= 42 && t < 64);
    const dump = o.box.run('ovs-ofctl', ['-O', 'OpenFlow15', 'dump-flows', o.box.brIntMgmt, '--no-stats'])
      .split('\n').filter((l) => l.startsWith(' ')).map((l) => l.slice(1)).filter((l) => logical(table(l)));
    const theirs = [...dump, ...o.groups()];
    const d = diffMultisets(normalized(ours), normalized(theirs));
    const unexplained = d.onlyA.filter((l) => !d.onlyB.some((t) => explainDifference(l.slice(l.indexOf(' ') + 1), t.slice(t.indexOf(' ') + 1)) !== null));
    assert.ok(d.common > 700, `only ${d.common} flows in common`);
    assert.deepEqual(unexplained, []);
    assert.equal(d.onlyA.length, d.onlyB.length);
  });

  it('limits the output to one datapath, derives interfaces from bound ports, and refuses bad usage', function () {
    const o = oracle!;
    const sw0 = cli('lflow-compile', `--db=${o.box.sb}`, '--chassis=hv1', '--datapath=sw0');
    assert.equal(sw0.status, 0, sw0.stderr);
    const lines = sw0.stdout.split('\n').filter((l) => l.includes('metadata='));
    assert.ok(lines.length > 100);
    assert.equal(new Set(lines.map((l) => /metadata=(0x[0-9a-f]+)/.exec(l)?.[1])).size, 1, 'one datapath only');
    const missing = cli('lflow-compile', `--db=${o.box.sb}`, '--chassis=hv1', '--datapath=nosuch');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no datapath named nosuch/);
    const noChassis = cli('lflow-compile', `--db=${o.box.sb}`);
    assert.equal(noChassis.status, 2);
    assert.match(noChassis.stderr, /--chassis is required/);
    const badTunnels = cli('lflow-compile', `--db=${o.box.sb}`, '--chassis=hv1', '--active-tunnels=hv2,,hv3');
    assert.equal(badTunnels.status, 2);
    assert.match(badTunnels.stderr, /--active-tunnels: empty chassis name in "hv2,,hv3"/);
    // hv1 is the only registered member of lr0-pub's HA group: active whatever its BFD sessions.
    const noSessions = cli('lflow-compile', `--db=${o.box.sb}`, '--chassis=hv1', '--active-tunnels=', '--datapath=lr0');
    assert.equal(noSessions.status, 0, noSessions.stderr);
    assert.equal(noSessions.stdout, cli('lflow-compile', `--db=${o.box.sb}`, '--chassis=hv1', '--datapath=lr0').stdout);
  });

  it('prints the same from the same database served by ovn-ts ovsdb-server', async function () {
    const o = oracle!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lflow-compile-ours-'));
    const server = spawn(process.execPath, [main, 'ovsdb-server', `--remote=punix:${dir}/sb.sock`, `${dir}/sb.db`], { stdio: 'ignore' });
    try {
      fs.copyFileSync(path.join(o.box.dir, 'sb.db'), path.join(dir, 'sb.db'));
      const socketWaitMsMax = 10_000;
      for (let waited = 0; !fs.existsSync(`${dir}/sb.sock`); waited += 50) {
        assert.ok(waited < socketWaitMsMax, 'ovn-ts ovsdb-server did not open its socket');
        await new Promise((r) => setTimeout(r, 50));
      }
      const idsOut = (s: string) => s.replace(/conj_id=\d+|conjunction\(\d+/g, 'conj').replace(/group:\d+|group_id=\d+/g, 'group').split('\n').sort();
      const fromUpstream = cli('lflow-compile', `--db=${o.box.sb}`, '--chassis=hv1');
      const fromOurs = cli('lflow-compile', `--db=unix:${dir}/sb.sock`, '--chassis=hv1');
      assert.equal(fromOurs.status, 0, fromOurs.stderr);
      assert.ok(fromOurs.stdout.split('\n').length > 700);
      assert.deepEqual(idsOut(fromOurs.stdout), idsOut(fromUpstream.stdout));
    } finally {
      server.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
