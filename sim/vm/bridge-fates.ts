// Fates of frames replayed into a sim/vswitch bridge port: where the pipeline sends each frame (the ports
// it outputs to), or which table and flow dropped it (the flow whose actions drop, or a table miss), read
// from the trace the bridge records while it processes the frame for real (Bridge.receiveTraced): one pass,
// so conntrack commits and learned flows happen once, exactly as for any other packet.
import type { Bridge } from '../vswitch/bridge';
import type { FateSource, PacketFate } from '../pcap/replay';

export class BridgeFates implements FateSource {
  constructor(private readonly bridge: Bridge, private readonly ofport: number, private readonly bridgeName = 'br-int') {}

  /**
   * Injects the frame into the bridge port itself (not through `send`), traced in the same pass, so the
   * pipeline — and its conntrack or learn side effects — runs exactly once per replayed packet.
   */
  track(_index: number, frame: Uint8Array, _send: () => void, report: (fate: PacketFate) => void): void {
    const trace = this.bridge.receiveTraced(this.ofport, frame);
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
