// Test helper (no tests here): a private ovsdb-server + ovs-vswitchd with the dummy datapath in a temp dir,
// as upstream's own testsuite runs them. Only unix sockets; stop() kills exactly the daemons it started.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ovsSandboxBinaries = ['ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-appctl', 'ovs-ofctl'];

export interface OvsSandbox {
  readonly dir: string;
  run(cmd: string, args: string[]): string;
  vsctl(...args: string[]): string;
  appctl(...args: string[]): string;
  ofctl(...args: string[]): string;
  stop(): void;
}

export function startOvsSandbox(): OvsSandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packet-ovs-'));
  const pidFiles: string[] = [];
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVS_LOGDIR: dir, OVS_SYSCONFDIR: dir };
  const run = (cmd: string, args: string[]): string =>
    execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
  const db = `unix:${dir}/db.sock`;
  const sandbox: OvsSandbox = {
    dir,
    run,
    vsctl: (...args) => run('ovs-vsctl', [`--db=${db}`, ...args]),
    appctl: (...args) => run('ovs-appctl', ['-t', `${dir}/vswitchd.ctl`, ...args]),
    ofctl: (...args) => run('ovs-ofctl', args),
    stop: () => {
      for (const f of pidFiles) {
        try {
          process.kill(Number(fs.readFileSync(f, 'utf8').trim()), 'SIGTERM');
        } catch {
          // not started or already gone
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    run('ovsdb-tool', ['create', `${dir}/conf.db`, '/usr/share/openvswitch/vswitch.ovsschema']);
    pidFiles.push(`${dir}/ovsdb-server.pid`);
    run('ovsdb-server', ['--detach', '--no-chdir', `--pidfile=${dir}/ovsdb-server.pid`, `--remote=punix:${dir}/db.sock`,
      `--unixctl=${dir}/ovsdb-server.ctl`, `--log-file=${dir}/ovsdb-server.log`, `${dir}/conf.db`]);
    sandbox.vsctl('--no-wait', 'init');
    pidFiles.push(`${dir}/ovs-vswitchd.pid`);
    run('ovs-vswitchd', ['--enable-dummy', '--disable-system', '--disable-system-route', '--detach', '--no-chdir',
      `--pidfile=${dir}/ovs-vswitchd.pid`, `--unixctl=${dir}/vswitchd.ctl`, `--log-file=${dir}/vswitchd.log`, db]);
  } catch (e) {
    sandbox.stop();
    throw e;
  }
  return sandbox;
}

/** Sleeps the test thread (tests only: the core never blocks). */
export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
