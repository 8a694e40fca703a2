// The bridge's OpenFlow side: binary messages in (flow_mod, group_mod, packet_out, bundles), errors counted
// with a reason and never thrown, and dump-flows / dump-groups text as ovs-ofctl prints it.
import {
  decodeMessage, formatDumpFlow, formatGroup, makeOxsStats, type FlowMod, type GroupMod, type OfpMessage,
} from '../../core/openflow';
import type { Bridge } from './bridge';
import type { Flow } from './flow-table';
import { PacketIn2Codec } from './packet-in2';

export const maxBundleMessagesCount = 65_536;
export const maxOpenBundlesCount = 64;
const bundleCtrl = { openRequest: 0, closeRequest: 2, commitRequest: 4, discardRequest: 6 } as const;

export type ChannelResult = { ok: true; type: string } | { ok: false; reason: string };

/** Feeds OpenFlow messages (whole, header included) to a bridge. */
export class OpenFlowChannel {
  readonly rejected = new Map<string, number>();
  private readonly bundles = new Map<number, (FlowMod | GroupMod)[]>();
  /** Encodes the bridge's packet-ins as NXT_PACKET_IN2 and resolves NXT_RESUME continuations. */
  readonly packetIns = new PacketIn2Codec();

  constructor(private readonly bridge: Bridge) {}

  private reject(reason: string): ChannelResult {
    const short = reason.replace(/\d+/g, 'N');
    this.rejected.set(short, (this.rejected.get(short) ?? 0) + 1);
    return { ok: false, reason };
  }

  handle(bytes: Uint8Array): ChannelResult {
    const d = decodeMessage(bytes);
    if (!d.ok) return this.reject(`decode: ${d.error.message}`);
    return this.handleMessage(d.value);
  }

  handleMessage(m: OfpMessage): ChannelResult {
    try {
      switch (m.type) {
        case 'flow_mod': this.bridge.flowMod(m); break;
        case 'group_mod': this.bridge.groupMod(m); break;
        case 'packet_out': {
          // OpenFlow 1.5 carries the ingress port as an in_port match field; OFPP_CONTROLLER when absent.
          const inPort = m.match.find((e) => e.field.name === 'in_port_oxm' || e.field.name === 'in_port');
          const port = inPort ? inPort.value.reduce((v, b) => v * 256 + b, 0) : 0xfffffffd;
          this.bridge.packetOut(m.data, m.actions, port);
          break;
        }
        case 'nx_resume': {
          const r = this.packetIns.decodeResume(m);
          if ('error' in r) return this.reject(r.error);
          this.bridge.resume(r.continuation);
          break;
        }
        case 'bundle_add_message': {
          const b = this.bundles.get(m.bundleId);
          if (!b) return this.reject(`bundle ${m.bundleId} is not open`);
          if (b.length >= maxBundleMessagesCount) return this.reject(`bundle ${m.bundleId} over ${maxBundleMessagesCount} messages`);
          const inner = decodeMessage(m.message);
          if (!inner.ok) return this.reject(`bundle ${m.bundleId} message: ${inner.error.message}`);
          if (inner.value.type !== 'flow_mod' && inner.value.type !== 'group_mod') return this.reject(`bundle ${m.bundleId}: ${inner.value.type} cannot be bundled`);
          b.push(inner.value);
          break;
        }
        case 'bundle_control': {
          if (m.controlType === bundleCtrl.openRequest) {
            if (this.bundles.size >= maxOpenBundlesCount) return this.reject(`over ${maxOpenBundlesCount} open bundles`);
            this.bundles.set(m.bundleId, []);
          } else if (m.controlType === bundleCtrl.commitRequest) {
            const b = this.bundles.get(m.bundleId);
            this.bundles.delete(m.bundleId);
            if (!b) return this.reject(`bundle ${m.bundleId} is not open`);
            this.bridge.bundle(b);
          } else if (m.controlType === bundleCtrl.discardRequest) {
            this.bundles.delete(m.bundleId);
          }
          break;
        }
        default: return this.reject(`message ${m.type} is not handled by the simulated switch`);
      }
    } catch (e) {
      if (e instanceof Error) return this.reject(`${m.type}: ${e.message}`);
      throw e;
    }
    return { ok: true, type: m.type };
  }
}

/** `ovs-ofctl dump-flows` lines (no header), with counters and durations from the bridge clock. */
export function dumpFlows(bridge: Bridge, nowMs: number, tableId?: number): string[] {
  const flows: Flow[] = tableId === undefined ? bridge.tables.allFlows() : [...bridge.tables.table(tableId)];
  return flows.map((f) => {
    const age = Math.max(0, nowMs - f.createdMs);
    return formatDumpFlow({
      tableId: f.tableId, priority: f.priority, idleTimeout: f.idleTimeout, hardTimeout: f.hardTimeout, flags: f.flags,
      importance: f.importance, cookie: f.cookie, match: f.match, instructions: f.instructions,
      stats: makeOxsStats({
        durationSec: Math.floor(age / 1000), durationNsec: Math.floor((age % 1000) * 1e6),
        packets: BigInt(f.nPackets), bytes: BigInt(f.nBytes), idleAgeSec: Math.floor(Math.max(0, nowMs - f.usedMs) / 1000),
      }),
    });
  });
}

export function dumpGroups(bridge: Bridge): string[] {
  return bridge.groups.all().map((g) => formatGroup(g.mod));
}
