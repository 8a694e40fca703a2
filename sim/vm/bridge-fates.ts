// Fates of frames replayed into a sim/vswitch bridge port: where the pipeline sends each frame (the ports
// it outputs to), or which table and flow dropped it (the flow whose actions drop, or a table miss), read
// from the bridge's ofproto/trace-like trace taken when the frame is sent.
//
// A stand-in until the vswitch reports fates from the real pass itself: the trace is a second translation,
// so for pipelines with side effects (ct commit, learn) it may see or cause state the real pass would not.
import type { Bridge } from '../vswitch/bridge';
import type { FateSource, PacketFate } from '../pcap/replay';

export class BridgeFates implements FateSource {
  constructor(private readonly bridge: Bridge, private readonly ofport: number, private readonly bridgeName = 'br-int') {}

  track(_index: number, frame: Uint8Array, send: () => void, report: (fate: PacketFate) => void): void {
    const trace = this.bridge.trace(this.ofport, frame);
    send();
    const delivered = trace.outputs.map((p) => this.bridge.port(p)?.name ?? `ofport ${p}`);
    if (delivered.length > 0) return report({ delivered, dropped: [] });
    const last = trace.steps[trace.steps.length - 1];
    const by = last === undefined
      ? `${this.bridgeName}: no pipeline (${trace.dpActions.join(', ') || 'drop'})`
      : last.flow === undefined
        ? `${this.bridgeName} table ${last.tableId}: no matching flow`
        : `${this.bridgeName} table ${last.tableId} flow ${last.flow}`;
    report({ delivered: [], dropped: [{ by, detail: trace.dpActions.join(', ') || 'drop' }] });
  }
}
