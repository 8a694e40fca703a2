// Upstream OVN in a temp dir, for tests and benchmarks that use the real binaries as the oracle: NB and SB
// ovsdb-servers, ovn-northd, and optionally one hypervisor (its own Open_vSwitch ovsdb-server, an
// ovs-vswitchd with dummy devices, br-int, ovn-controller, VIF ports bound to logical ports). Daemons are
// started with --detach and pidfiles and stopped by pid only. Nothing here is production code.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface HypervisorOptions {
  /** external_ids:system-id (the Chassis name). */
  readonly systemId: string;
  /** Logical ports to bind: one dummy interface each on br-int with external_ids:iface-id set. */
  readonly vifs: readonly string[];
  /** external_ids:ovn-bridge-mappings network names; a bridge br-NAME is made for each. */
  readonly bridgeMappings?: readonly string[];
}

export interface SandboxOptions {
  /** ovn-nbctl commands (each an argument list) run before northd starts. */
  readonly topology: readonly (readonly string[])[];
  readonly hypervisor?: HypervisorOptions;
}

export interface OvnSandbox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** unix:... remotes of the NB and SB servers. */
  readonly nb: string;
  readonly sb: string;
  /** unix:... remote of the hypervisor's Open_vSwitch database; '' without a hypervisor. */
  readonly ovs: string;
  /** Path of br-int's management socket (for ovs-ofctl); '' without a hypervisor. */
  readonly brIntMgmt: string;
  /** Runs an upstream program with the sandbox's environment; returns its standard output. */
  run(cmd: string, args: readonly string[]): string;
  /** Stops ovn-northd only (so rows a test writes to the SB stay there). */
  stopNorthd(): void;
  stop(): void;
}

const maxStopWaitMs = 5_000;
const stopPollMs = 50;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** How long ovn-controller may take to claim the sandbox's VIFs after `--wait=hv sync`. */
const claimWaitMsMax = 60_000;
const claimPollMs = 50;

function waitForClaims(run: (cmd: string, args: readonly string[]) => string, sb: string, hv: HypervisorOptions): void {
  const sbctl = (...args: string[]) => run('ovn-sbctl', [`--db=${sb}`, '--bare', ...args]).split(/\s+/).filter(Boolean);
  // Only plain VIF ports (type "") are claimed; a localport with an interface here stays unbound.
  const ports = new Set(sbctl('--columns=logical_port', 'find', 'Port_Binding', 'type=""'));
  const wanted = hv.vifs.filter((v) => ports.has(v));
  for (let waited = 0; ; waited += claimPollMs) {
    const chassis = sbctl('--columns=_uuid', 'find', 'Chassis', `name=${hv.systemId}`)[0];
    const bound = new Set(chassis ? sbctl('--columns=logical_port', 'find', 'Port_Binding', `chassis=${chassis}`) : []);
    const missing = wanted.filter((v) => !bound.has(v));
    if (missing.length === 0) return;
    if (waited > claimWaitMsMax) {
      throw new Error(`ovn-controller on ${hv.systemId} did not claim ${missing.join(', ')} within ${claimWaitMsMax} ms`);
    }
    sleepMs(claimPollMs);
  }
}

/** Stops the daemons (by pid only) and waits, bounded, until they have exited. */
export function stopPids(pids: readonly number[]): void {
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < maxStopWaitMs && pids.some(alive); waited += stopPollMs) sleepMs(stopPollMs);
  const left = pids.filter(alive);
  if (left.length > 0) throw new Error(`daemons ${left.join(', ')} did not exit within ${maxStopWaitMs} ms`);
}

/**
 * The pids to stop for a daemon started with --pidfile: the one the pidfile names now (a --monitor
 * daemon's restarted child rewrites it) and, when its parent is a --monitor process of the same program,
 * that monitor, first.
 */
function daemonPids(pidfile: string): number[] {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidfile, 'utf8'));
  } catch {
    return [];
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const parentCmd = fs.readFileSync(`/proc/${ppid}/cmdline`, 'utf8');
    if (/: monitoring pid /.test(parentCmd)) return [ppid, pid];
  } catch {
    // gone already, or no /proc: the daemon alone
  }
  return [pid];
}

export function startOvnSandbox(dir: string, opts: SandboxOptions): OvnSandbox {
  const env: NodeJS.ProcessEnv = { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVN_RUNDIR: dir, OVS_LOGDIR: dir, OVN_LOGDIR: dir };
  const run = (cmd: string, args: readonly string[]) =>
    execFileSync(cmd, [...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  const pidfiles: string[] = [];
  const daemon = (name: string, cmd: string, args: readonly string[]) => {
    const pidfile = `${dir}/${name}.pid`;
    run(cmd, ['--detach', '--no-chdir', `--pidfile=${pidfile}`, `--log-file=${dir}/${name}.log`, ...args]);
    pidfiles.push(pidfile);
    return pidfile;
  };
  const stop = (files: readonly string[]) => stopPids(files.flatMap(daemonPids));
  const server = (name: string, schema: string) => {
    run('ovsdb-tool', ['create', path.join(dir, `${name}.db`), schema]);
    daemon(name, 'ovsdb-server', [`--remote=punix:${dir}/${name}.sock`, `--unixctl=${dir}/${name}.ctl`, path.join(dir, `${name}.db`)]);
    return `unix:${dir}/${name}.sock`;
  };
  try {
    const nb = server('nb', '/usr/share/ovn/ovn-nb.ovsschema');
    const sb = server('sb', '/usr/share/ovn/ovn-sb.ovsschema');
    for (const cmd of opts.topology) run('ovn-nbctl', [`--db=${nb}`, ...cmd]);
    let ovs = '';
    let brIntMgmt = '';
    const hv = opts.hypervisor;
    if (hv) {
      ovs = server('conf', '/usr/share/openvswitch/vswitch.ovsschema');
      const vsctl = (...args: string[]) => run('ovs-vsctl', [`--db=${ovs}`, ...args]);
      vsctl('--no-wait', 'init');
      // Dummy devices only: this ovs-vswitchd never touches the host's network devices.
      daemon('vswitchd', 'ovs-vswitchd', [`--unixctl=${dir}/vswitchd.ctl`, '--enable-dummy=override', '--disable-system', ovs]);
      vsctl('add-br', 'br-int', '--', 'set', 'Bridge', 'br-int', 'datapath_type=netdev', 'fail-mode=secure',
        'other-config:disable-in-band=true');
      const mappings = (hv.bridgeMappings ?? []).map((n) => `${n}:br-${n}`);
      for (const n of hv.bridgeMappings ?? []) vsctl('add-br', `br-${n}`, '--', 'set', 'Bridge', `br-${n}`, 'datapath_type=netdev');
      vsctl('set', 'Open_vSwitch', '.', `external_ids:system-id=${hv.systemId}`, `external_ids:ovn-remote=${sb}`,
        'external_ids:ovn-encap-type=geneve', 'external_ids:ovn-encap-ip=127.0.0.1',
        ...(mappings.length > 0 ? [`external_ids:ovn-bridge-mappings=${mappings.join(',')}`] : []));
      for (const p of hv.vifs) vsctl('add-port', 'br-int', p, '--', 'set', 'Interface', p, 'type=dummy', `external_ids:iface-id=${p}`);
      brIntMgmt = path.join(dir, 'br-int.mgmt');
    }
    const northd = daemon('northd', 'ovn-northd', [`--unixctl=${dir}/northd.ctl`, `--ovnnb-db=${nb}`, `--ovnsb-db=${sb}`]);
    // ovn-controller 23.03.1 sometimes crashes (SIGSEGV) in its first run when it starts while ovn-northd is
    // still filling the SB, so it starts only once northd has caught up; --monitor restarts it should it
    // crash anyway, as production deployments run it. It refuses --unixctl: its control socket lands in
    // OVN_RUNDIR.
    if (hv) run('ovn-nbctl', [`--db=${nb}`, '--timeout=60', '--wait=sb', 'sync']);
    if (hv) daemon('controller', 'ovn-controller', ['--monitor', ovs]);
    run('ovn-nbctl', [`--db=${nb}`, '--timeout=60', hv ? '--wait=hv' : '--wait=sb', 'sync']);
    // --wait=hv can return before ovn-controller's claims are committed: wait until every VIF interface
    // that names a plain VIF port is bound to this chassis, so whoever reads the SB next sees the bindings.
    if (hv) waitForClaims(run, sb, hv);
    return {
      dir, env, nb, sb, ovs, brIntMgmt, run,
      stopNorthd: () => stop([northd]),
      stop: () => stop(pidfiles),
    };
  } catch (e) {
    stop(pidfiles);
    throw e;
  }
}
