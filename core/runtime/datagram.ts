// Datagram links: a NIC attached to a wire, carrying whole Ethernet frames (no FCS).
// Delivery is best-effort: frames may be lost, duplicated, reordered or dropped for exceeding the MTU,
// as the wire is configured. Receive callbacks are never called synchronously from send().

export interface Nic {
  readonly name: string;
  /** The NIC's own MAC address, 6 bytes. */
  readonly mac: Uint8Array;
  /** Largest L3 payload carried (Ethernet frame length minus 14 header bytes, or 18 with one VLAN tag). */
  readonly mtu: number;
  send(frame: Uint8Array): void;
  /** Sets the receiver of frames addressed to this NIC (or broadcast/multicast, or all when promiscuous). */
  setReceiver(receive: (frame: Uint8Array) => void): void;
}
