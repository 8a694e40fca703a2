// Upstream ovn-controller as an oracle for compiling logical flows: a sandbox hypervisor (hv1) with the
// corpus topology's VIFs bound, ovn-northd stopped after the first sync, and then any set of logical flows
// written straight into the SB Logical_Flow table. install() waits until ovn-controller has installed them
// on br-int and returns, per logical flow, the OpenFlow flows it produced (matched by cookie = the first
// 32 bits of the flow's UUID). Used by the compiler's differential tests.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOvnSandbox, type OvnSandbox } from './ovn-sandbox';
import { corpusTopology, corpusVifs } from './ovn-topology';

export interface OracleFlow {
  /** NB name of the datapath (sw0, lr0, pub ...). */
  readonly datapath: string;
  readonly pipeline: 'ingress' | 'egress';
  readonly tableId: number;
  readonly priority: number;
  readonly match: string;
  readonly actions: string;
  /** SB Logical_Flow controller_meter. */
  readonly controllerMeter?: string;
}

export interface InstalledFlows {
  readonly uuid: string;
  /** `ovs-ofctl -O OpenFlow15 dump-flows --no-stats` lines, leading space dropped, cookie kept. */
  readonly flows: string[];
}

export interface ControllerOracle {
  readonly box: OvnSandbox;
  /** Tunnel key of a datapath by NB name. */
  datapathKey(name: string): number;
  /** Tunnel key of a logical port (Port_Binding) by name. */
  portKey(name: string): number;
  /** Replaces all logical flows by `flows`; returns what ovn-controller installed for each, in order. */
  install(flows: readonly OracleFlow[]): InstalledFlows[];
  /** `ovs-ofctl dump-groups` lines (leading space dropped). */
  groups(): string[];
  /** `ovs-ofctl dump-meters` output lines after the header. */
  meters(): string[];
  stop(): void;
}

const installWaitMsMax = 30_000;
const pollMs = 50;
const sentinelTable = 27;

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function cookieOf(uuid: string): string {
  return `0x${BigInt(`0x${uuid.slice(0, 8)}`).toString(16)}`;
}

export interface OracleOptions {
  /** ovn-nbctl commands building the NB (default: the corpus topology). */
  readonly topology?: readonly (readonly string[])[];
  /** Logical ports hv1 binds (default: the corpus topology's VIFs). */
  readonly vifs?: readonly string[];
  /**
   * Other chassis to register in the SB (`ovn-sbctl chassis-add NAME geneve 127.0.0.N`, N from 2). No
   * ovn-controller runs for them, so hv1's BFD sessions to them never come up.
   */
  readonly otherChassis?: readonly string[];
}

const haChassisWaitMsMax = 20_000;

function waitForHaChassis(box: OvnSandbox): void {
  const sbctl = (...args: string[]) => box.run('ovn-sbctl', [`--db=${box.sb}`, ...args]);
  for (let waited = 0; ; waited += pollMs) {
    const registered = new Set(sbctl('--bare', '--columns=name', 'list', 'Chassis').split(/\s+/).filter(Boolean));
    const pending = sbctl('--bare', '--columns=chassis,external_ids', 'list', 'HA_Chassis').split('\n\n')
      .map((r) => r.trim().split('\n'))
      .filter(([chassis, ids]) => (chassis ?? '') === '' && registered.has(/chassis-name=([^ ]+)/.exec(ids ?? '')?.[1] ?? ''));
    if (pending.length === 0) return;
    if (waited > haChassisWaitMsMax) throw new Error(`northd did not link HA_Chassis rows to their Chassis within ${haChassisWaitMsMax} ms`);
    sleepMs(pollMs);
  }
}

/** Starts the oracle in a fresh temp dir (removed again by stop()). */
export function startControllerOracle(opts: OracleOptions = {}): ControllerOracle {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-oracle-'));
  let box: OvnSandbox;
  try {
    box = startOvnSandbox(dir, {
      topology: opts.topology ?? corpusTopology,
      hypervisor: { systemId: 'hv1', vifs: opts.vifs ?? corpusVifs, bridgeMappings: ['phys'] },
    });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  try {
    (opts.otherChassis ?? []).forEach((name, i) => box.run('ovn-sbctl', [`--db=${box.sb}`, 'chassis-add', name, 'geneve', `127.0.0.${i + 2}`]));
  } catch (e) {
    box.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  // Before northd stops, it must have seen the chassis register: every HA_Chassis naming a registered
  // chassis points at its Chassis row (northd fills that in asynchronously), and hv1 has caught up.
  waitForHaChassis(box);
  box.run('ovn-nbctl', [`--db=${box.nb}`, '--timeout=60', '--wait=hv', 'sync']);
  box.stopNorthd();
  const sbctl = (...args: string[]) => box.run('ovn-sbctl', [`--db=${box.sb}`, ...args]);
  const ofctl = (cmd: string) => box.run('ovs-ofctl', ['-O', 'OpenFlow15', cmd, box.brIntMgmt, ...(cmd === 'dump-flows' ? ['--no-stats'] : [])]);
  const datapaths = new Map<string, { uuid: string; key: number }>();
  for (const line of sbctl('--bare', '--columns=_uuid,tunnel_key,external_ids', 'list', 'Datapath_Binding').split('\n\n')) {
    const [uuid, key, ids] = line.trim().split('\n');
    const name = /(?:^| )name=([^ ]+)/.exec(ids ?? '')?.[1];
    if (uuid && key && name) datapaths.set(name, { uuid, key: Number(key) });
  }
  const dpOf = (name: string) => {
    const d = datapaths.get(name);
    if (!d) throw new Error(`no datapath named ${name} in the oracle's SB (have ${[...datapaths.keys()].join(', ')})`);
    return d;
  };
  const dumpFlows = () => ofctl('dump-flows').split('\n').filter((l) => l.startsWith(' ')).map((l) => l.slice(1));
  return {
    box,
    datapathKey: (name) => dpOf(name).key,
    portKey: (name) => Number(sbctl('--bare', '--columns=tunnel_key', 'find', 'Port_Binding', `logical_port=${name}`).trim()),
    install(flows) {
      const old = sbctl('--bare', '--columns=_uuid', 'list', 'Logical_Flow').trim().split(/\s+/).filter(Boolean);
      const create = (f: OracleFlow) => ['--', 'create', 'Logical_Flow', `logical_datapath=${dpOf(f.datapath).uuid}`,
        `pipeline=${f.pipeline}`, `table_id=${f.tableId}`, `priority=${f.priority}`, `match=${JSON.stringify(f.match)}`,
        `actions=${JSON.stringify(f.actions)}`, ...(f.controllerMeter ? [`controller_meter=${JSON.stringify(f.controllerMeter)}`] : [])];
      // A sentinel flow that always compiles, written in the same transaction: once its OpenFlow flow is on
      // br-int, ovn-controller has processed (and installed) every other flow of the transaction too.
      const sentinel: OracleFlow = { datapath: 'sw0', pipeline: 'ingress', tableId: sentinelTable, priority: 1, match: '1', actions: 'next;' };
      const out = sbctl(...old.flatMap((id) => ['--', 'destroy', 'Logical_Flow', id]), ...[...flows, sentinel].flatMap(create));
      const uuids = out.trim().split('\n').map((l) => l.trim());
      if (uuids.length !== flows.length + 1) throw new Error(`ovn-sbctl create returned ${uuids.length} UUIDs for ${flows.length + 1} flows`);
      const sentinelCookie = `cookie=${cookieOf(uuids[flows.length]!)},`;
      let dump: string[] = [];
      for (let waited = 0; ; waited += pollMs) {
        dump = dumpFlows();
        if (dump.some((l) => l.startsWith(sentinelCookie))) break;
        if (waited > installWaitMsMax) throw new Error(`ovn-controller did not install the flows within ${installWaitMsMax} ms (see ${dir}/controller.log)`);
        sleepMs(pollMs);
      }
      const byCookie = new Map<string, string[]>();
      const add = (c: string, l: string) => {
        const list = byCookie.get(c) ?? [];
        list.push(l);
        byCookie.set(c, list);
      };
      // Conjunctive clause flows carry cookie 0 (they may be shared by several logical flows); they belong
      // to the logical flows whose conj_id flows their conjunction() actions name.
      const conjCookies = new Map<string, string>();
      for (const l of dump) {
        const c = /^cookie=(0x[0-9a-f]+),/.exec(l)?.[1];
        const id = /[ ,]conj_id=(\d+)/.exec(l)?.[1];
        if (c) add(c, l);
        if (c && id) conjCookies.set(id, c);
      }
      for (const l of dump) {
        if (l.startsWith('cookie=')) continue;
        const ids = [...l.matchAll(/conjunction\((\d+),/g)].map((m) => m[1]!);
        for (const c of new Set(ids.map((id) => conjCookies.get(id)).filter((c): c is string => c !== undefined))) add(c, l);
      }
      return uuids.slice(0, flows.length).map((uuid) => ({ uuid, flows: byCookie.get(cookieOf(uuid)) ?? [] }));
    },
    groups: () => ofctl('dump-groups').split('\n').filter((l) => l.startsWith(' ')).map((l) => l.slice(1)),
    meters: () => ofctl('dump-meters').split('\n').slice(1).filter((l) => l.trim() !== ''),
    stop() {
      try {
        box.stop();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
