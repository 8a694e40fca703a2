// Regenerates the logical flow corpus live from upstream ovn-northd (guarded by upstreamOrSkip): starts NB
// and SB ovsdb-servers in a temp dir with the installed schemas, builds a small NB (switches, routers, ACLs,
// NAT, load balancers, DHCP, port groups, address sets ...) with ovn-nbctl, runs ovn-northd, dumps the SB
// Logical_Flow, Address_Set and Port_Group tables, and checks every match and action with our code.
// Set LFLOW_WRITE_CORPUS=<file> to save the result (that is how testdata/northd-corpus.json was made).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { startOvnSandbox, type OvnSandbox } from '../../test-support/ovn-sandbox';
import { corpusTopology } from '../../test-support/ovn-topology';
import { checkCorpus, type Corpus } from './corpus';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(cmd, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function listTable(sb: string, table: string, columns: string, env: NodeJS.ProcessEnv): unknown[][] {
  const out = run('ovn-sbctl', [`--db=${sb}`, '--format=json', '--data=json', `--columns=${columns}`, 'list', table], env);
  return (JSON.parse(out) as { data: unknown[][] }).data;
}

/** OVSDB JSON "set" of strings ["set", [...]] or a single atom. */
function stringSet(v: unknown): string[] {
  if (Array.isArray(v) && v[0] === 'set') return (v[1] as unknown[]).map(String);
  return [String(v)];
}

export type Sandbox = OvnSandbox;

/** Upstream NB + SB ovsdb-servers and ovn-northd running in `dir`, with the corpus topology loaded. */
export function startSandbox(dir: string): Sandbox {
  return startOvnSandbox(dir, { topology: corpusTopology });
}

export function dumpCorpus(box: Sandbox): Corpus {
  const { sb, env } = box;
  const flows = new Map<string, { match: string; actions: string }>();
  for (const [match, actions] of listTable(sb, 'Logical_Flow', 'match,actions', env) as [string, string][]) {
    flows.set(`${match}\u0000${actions}`, { match, actions });
  }
  const addressSets: Record<string, string[]> = {};
  for (const [name, addrs] of listTable(sb, 'Address_Set', 'name,addresses', env)) addressSets[String(name)] = stringSet(addrs).sort();
  const portGroups: Record<string, string[]> = {};
  for (const [name, ports] of listTable(sb, 'Port_Group', 'name,ports', env)) portGroups[String(name)] = stringSet(ports).sort();
  // ovn-controller adds svc_monitor_mac (SB_Global options) as an address set of its own.
  const opts = listTable(sb, 'SB_Global', 'options', env)[0]?.[0];
  const svcMac = Array.isArray(opts) ? (opts[1] as [string, string][]).find(([k]) => k === 'svc_monitor_mac')?.[1] : undefined;
  if (svcMac) addressSets['svc_monitor_mac'] = [svcMac];
  const version = run('ovn-northd', ['--version'], env).split('\n')[0]!.trim();
  const sorted = [...flows.keys()].sort().map((k) => flows.get(k)!);
  return { generatedBy: version, addressSets, portGroups, flows: sorted };
}

export function generateCorpus(dir: string): Corpus {
  const box = startSandbox(dir);
  try {
    return dumpCorpus(box);
  } finally {
    box.stop();
  }
}

export function runUpstream(cmd: string, args: string[], env: NodeJS.ProcessEnv): string {
  return run(cmd, args, env);
}

describe('lflow corpus regenerated live from upstream ovn-northd', function () {
  this.timeout(120_000);
  let dir = '';
  before(function () {
    upstreamOrSkip(this, 'ovsdb-tool', 'ovsdb-server', 'ovn-nbctl', 'ovn-sbctl', 'ovn-northd');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lflow-corpus-'));
  });
  after(function () {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every match parses and type-checks and every action parses and checks', function () {
    const corpus = generateCorpus(dir);
    const report = checkCorpus(corpus);
    console.log(`      live corpus (${corpus.generatedBy}): ${report.flows} flows, ${report.matches} distinct matches, ${report.actions} distinct actions`);
    assert.deepEqual(report.failures, []);
    assert.ok(report.flows > 300, `only ${report.flows} flows`);
    const out = process.env.LFLOW_WRITE_CORPUS;
    if (out) fs.writeFileSync(out, JSON.stringify(corpus, null, 1) + '\n');
  });
});
