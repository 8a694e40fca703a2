// Tests that compare with upstream OVN/OVS binaries (the oracle) call `upstreamOrSkip` in a `before` hook.
// In CI (CI=true) a missing binary is a failure, never a silent pass; locally the suite is skipped with a
// loud message naming the apt packages to install.
import { execFileSync } from 'node:child_process';

export const upstreamPackages = 'ovn-central ovn-host openvswitch-switch ovn-doc tshark libpcap-dev iputils-ping';

export function findBinary(name: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Call from a mocha `before(function () {...})` (a function, not an arrow, so `this.skip` is there). */
export function upstreamOrSkip(context: Mocha.Context, ...binaries: string[]): void {
  const missing = binaries.filter((b) => findBinary(b) === null);
  if (missing.length === 0) return;
  const message = `upstream binaries missing: ${missing.join(', ')} (apt-get install -y ${upstreamPackages})`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI must have them`);
  console.warn(`\n  !!! SKIPPING: ${message}\n`);
  context.skip();
}
