// A DHCPv4 client (RFC 2131) as a state machine on the VM's Clock: INIT → SELECTING (DISCOVER, wait for an
// OFFER) → REQUESTING (REQUEST, wait for ACK) → BOUND; at T1 (half the lease) RENEWING: a unicast REQUEST
// to the server; an ACK extends the lease, a NAK or the lease running out starts over from INIT.
import type { TimerHandle } from '../../core/runtime/clock';
import { dhcp4Get, dhcp4MessageTypes, dhcp4OptionCodes, dhcp4Ops, dhcp4Opt, type Dhcp4Message } from '../../core/packet/dhcp4';
import { dhcp4Discover, dhcp4Request } from '../../core/packet/recipes';
import { formatIpv4 } from '../../core/packet/address';
import type { VmNet } from './vm-net';

/** Wait for an OFFER or ACK before sending again (RFC 2131 4.1 starts at 4 s; shorter keeps sims quick). */
export const dhcp4RetryIntervalMs = 2_000;
/** DISCOVERs or REQUESTs sent in one attempt before starting over. */
export const maxDhcp4SendsCount = 4;
/** Full restarts from INIT before the client gives up and reports failure. */
export const maxDhcp4RestartsCount = 3;
/** Renewal REQUESTs sent while RENEWING before waiting for the lease to run out. */
export const maxDhcp4RenewSendsCount = 3;

export type Dhcp4State = 'init' | 'selecting' | 'requesting' | 'bound' | 'renewing' | 'failed';

export interface Dhcp4Lease {
  readonly address: number;
  readonly prefixLength: number;
  readonly router?: number;
  readonly serverId: number;
  readonly leaseSeconds: number;
  readonly dnsServers: readonly number[];
  readonly mtu?: number;
}

export interface Dhcp4ClientEvents {
  bound(lease: Dhcp4Lease): void;
  /** The address is gone (lease expired or NAK); the client starts over unless it has failed. */
  lost(reason: string): void;
}

export class Dhcp4Client {
  state: Dhcp4State = 'init';
  lease?: Dhcp4Lease;
  private xid = 0;
  private sends = 0;
  private restarts = 0;
  private offer?: { address: number; serverId: number };
  private timer?: TimerHandle;
  private leaseTimer?: TimerHandle;
  private boundAtMs = 0;

  constructor(private readonly net: VmNet, private readonly events: Dhcp4ClientEvents) {}

  start(): void {
    this.enterSelecting();
  }

  /** Offers an inbound DHCP message (UDP to port 68); ignores replies not meant for this client. */
  handle(m: Dhcp4Message): void {
    if (m.op !== dhcp4Ops.reply || m.xid !== this.xid || !sameMac(m.chaddr, this.net.mac)) return;
    const serverId = dhcp4Get.ipv4(m, dhcp4OptionCodes.serverId);
    if (m.messageType === dhcp4MessageTypes.offer && this.state === 'selecting' && serverId !== undefined) {
      this.offer = { address: m.yiaddr, serverId };
      this.enterRequesting();
    } else if (m.messageType === dhcp4MessageTypes.ack && (this.state === 'requesting' || this.state === 'renewing')) {
      this.bind(m, serverId ?? this.offer?.serverId ?? 0);
    } else if (m.messageType === dhcp4MessageTypes.nak && (this.state === 'requesting' || this.state === 'renewing')) {
      this.restart(`DHCPNAK from ${serverId !== undefined ? formatIpv4(serverId) : 'server'}`);
    }
  }

  private enterSelecting(): void {
    this.state = 'selecting';
    this.xid = this.net.random.int(2 ** 32);
    this.sends = 0;
    this.sendRepeating(() => dhcp4Discover({ mac: this.net.mac, xid: this.xid, hostname: this.net.name }), maxDhcp4SendsCount);
  }

  private enterRequesting(): void {
    this.state = 'requesting';
    this.sends = 0;
    const o = this.offer!;
    this.sendRepeating(() => dhcp4Request({ mac: this.net.mac, xid: this.xid, requestedIp: o.address, serverId: o.serverId }), maxDhcp4SendsCount);
  }

  /** Sends now and every retry interval until the state changes or `max` sends, then restarts. */
  private sendRepeating(frame: () => Uint8Array, max: number): void {
    this.timer?.cancel();
    const state = this.state;
    const step = (): void => {
      if (this.state !== state) return;
      if (this.sends >= max) return this.restart(`no answer in ${state} after ${this.sends} messages`);
      this.sends++;
      this.net.sendFrame(frame());
      this.timer = this.net.clock.setTimer(dhcp4RetryIntervalMs, step);
    };
    step();
  }

  private bind(m: Dhcp4Message, serverId: number): void {
    this.timer?.cancel();
    this.leaseTimer?.cancel();
    const mask = dhcp4Get.ipv4(m, dhcp4OptionCodes.subnetMask) ?? 0xffffff00;
    const router = dhcp4Get.ipv4List(m, dhcp4OptionCodes.router)?.[0];
    const mtu = dhcp4Get.u16(m, dhcp4OptionCodes.interfaceMtu);
    const lease: Dhcp4Lease = {
      address: m.yiaddr, prefixLength: prefixLengthOf(mask), serverId,
      leaseSeconds: dhcp4Get.u32(m, dhcp4OptionCodes.leaseTime) ?? 3600,
      dnsServers: dhcp4Get.ipv4List(m, dhcp4OptionCodes.dnsServers) ?? [],
      ...(router !== undefined ? { router } : {}),
      ...(mtu !== undefined ? { mtu } : {}),
    };
    const renewed = this.state === 'renewing' && this.lease?.address === lease.address;
    this.lease = lease;
    this.state = 'bound';
    this.restarts = 0;
    this.boundAtMs = this.net.clock.nowMs();
    const leaseMs = lease.leaseSeconds * 1000;
    this.timer = this.net.clock.setTimer(leaseMs / 2, () => this.enterRenewing());
    this.leaseTimer = this.net.clock.setTimer(leaseMs, () => this.restart('lease expired'));
    this.net.log(`dhcp4: ${renewed ? 'renewed' : 'bound to'} ${formatIpv4(lease.address)}/${lease.prefixLength} for ${lease.leaseSeconds} s`);
    this.events.bound(lease);
  }

  private enterRenewing(): void {
    this.state = 'renewing';
    this.xid = this.net.random.int(2 ** 32);
    this.sends = 0;
    const lease = this.lease!;
    const step = (): void => {
      if (this.state !== 'renewing' || this.sends >= maxDhcp4RenewSendsCount) return; // the lease timer decides
      this.sends++;
      // RFC 2131 4.3.2: RENEWING is unicast to the server from the leased address, ciaddr set, no server id.
      this.net.sendIp(formatIpv4(lease.serverId), [
        { kind: 'udp', srcPort: 68, dstPort: 67 },
        {
          kind: 'dhcp4', op: dhcp4Ops.request, xid: this.xid, chaddr: this.net.mac, ciaddr: lease.address,
          options: [dhcp4Opt.messageType(dhcp4MessageTypes.request)],
        },
      ], (error) => this.net.log(`dhcp4: renew not sent: ${error}`));
      this.timer = this.net.clock.setTimer(dhcp4RetryIntervalMs, step);
    };
    step();
  }

  private restart(reason: string): void {
    this.timer?.cancel();
    this.leaseTimer?.cancel();
    const had = this.lease;
    delete this.lease;
    delete this.offer;
    this.net.log(`dhcp4: ${reason}`);
    if (had) this.events.lost(reason);
    this.restarts++;
    if (this.restarts > maxDhcp4RestartsCount) {
      this.state = 'failed';
      this.net.log(`dhcp4: giving up after ${maxDhcp4RestartsCount} restarts`);
      return;
    }
    this.enterSelecting();
  }

  /** Virtual ms since the lease was (re)bound. */
  get leaseAgeMs(): number {
    return this.net.clock.nowMs() - this.boundAtMs;
  }
}

function prefixLengthOf(mask: number): number {
  let n = 0;
  while (n < 32 && (mask >>> (31 - n)) & 1) n++;
  return n;
}

function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  return a.length >= 6 && a.subarray(0, 6).every((x, i) => x === b[i]);
}
