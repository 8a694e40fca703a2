// A DHCPv6 client (RFC 8415 18.2) for one IA_NA: SOLICIT → ADVERTISE → REQUEST → REPLY, from the link-local
// address to All_DHCP_Relay_Agents_and_Servers (ff02::1:2); at T1 a RENEW to the same server extends the
// lease. Retries are bounded and on the VM's Clock.
import type { TimerHandle } from '../../core/runtime/clock';
import { buildFrame } from '../../core/packet/build';
import { formatIpv6 } from '../../core/packet/address';
import { attempt } from '../../core/packet/bytes';
import {
  dhcp6MessageTypes, dhcp6Opt, dhcp6Option, dhcp6OptionCodes, readDhcp6IaAddr, readDhcp6IaNa,
  type Dhcp6Message, type Dhcp6Option,
} from '../../core/packet/dhcp6';
import type { VmNet } from './vm-net';

export const dhcp6RetryIntervalMs = 1_000;
/** SOLICITs, REQUESTs or RENEWs sent in one exchange before giving up on it. */
export const maxDhcp6SendsCount = 4;
const allDhcpServers = 'ff02::1:2';
const allDhcpServersMac = '33:33:00:01:00:02';

export type Dhcp6State = 'init' | 'soliciting' | 'requesting' | 'bound' | 'renewing' | 'failed';

export interface Dhcp6Lease {
  readonly address: Uint8Array;
  readonly preferredSeconds: number;
  readonly validSeconds: number;
  readonly t1Seconds: number;
  readonly serverDuid: Uint8Array;
}

export class Dhcp6Client {
  state: Dhcp6State = 'init';
  lease?: Dhcp6Lease;
  private transactionId = 0;
  private serverDuid?: Uint8Array;
  private timer?: TimerHandle;
  private readonly iaid: number;
  private readonly clientDuid: Dhcp6Option;

  constructor(
    private readonly net: VmNet,
    private readonly linkLocal: Uint8Array,
    private readonly events: { bound(lease: Dhcp6Lease): void },
  ) {
    this.iaid = net.random.int(2 ** 32);
    this.clientDuid = dhcp6Opt.duidLl(dhcp6OptionCodes.clientId, net.mac);
  }

  start(): void {
    this.exchange('soliciting', dhcp6MessageTypes.solicit);
  }

  handle(m: Dhcp6Message): void {
    if (m.transactionId !== this.transactionId) return;
    const clientId = dhcp6Option(m, dhcp6OptionCodes.clientId);
    if (!clientId || !equalBytes(clientId, this.clientDuid.data)) return;
    const serverId = dhcp6Option(m, dhcp6OptionCodes.serverId);
    if (!serverId) return;
    if (m.msgType === dhcp6MessageTypes.advertise && this.state === 'soliciting') {
      this.serverDuid = serverId;
      this.exchange('requesting', dhcp6MessageTypes.request);
    } else if (m.msgType === dhcp6MessageTypes.reply && (this.state === 'requesting' || this.state === 'renewing')) {
      this.bind(m, serverId);
    }
  }

  private exchange(state: 'soliciting' | 'requesting' | 'renewing', msgType: number): void {
    this.timer?.cancel();
    this.state = state;
    this.transactionId = this.net.random.int(1 << 24);
    let sends = 0;
    const startMs = this.net.clock.nowMs();
    const step = (): void => {
      if (this.state !== state) return;
      if (sends >= maxDhcp6SendsCount) {
        this.net.log(`dhcp6: no answer while ${state} after ${sends} messages`);
        // A failed renew keeps the address until it expires (not modelled further); others fail.
        if (state !== 'renewing') this.state = 'failed';
        return;
      }
      sends++;
      this.net.sendFrame(this.message(msgType, Math.min(0xffff, Math.round((this.net.clock.nowMs() - startMs) / 10))));
      this.timer = this.net.clock.setTimer(dhcp6RetryIntervalMs, step);
    };
    step();
  }

  private message(msgType: number, elapsedHundredths: number): Uint8Array {
    const options: Dhcp6Option[] = [this.clientDuid, dhcp6Opt.elapsedTime(elapsedHundredths)];
    if (this.serverDuid && msgType !== dhcp6MessageTypes.solicit) options.push({ code: dhcp6OptionCodes.serverId, data: this.serverDuid });
    const addr = this.lease ? [dhcp6Opt.iaAddr(this.lease.address, 0, 0)] : [];
    options.push(dhcp6Opt.iaNa(this.iaid, 0, 0, addr));
    options.push(dhcp6Opt.oro([dhcp6OptionCodes.dnsServers]));
    return buildFrame([
      { kind: 'ethernet', src: this.net.mac, dst: allDhcpServersMac },
      { kind: 'ipv6', src: this.linkLocal, dst: allDhcpServers, hopLimit: 1 },
      { kind: 'udp' },
      { kind: 'dhcp6', msgType, transactionId: this.transactionId, options },
    ]);
  }

  private bind(m: Dhcp6Message, serverDuid: Uint8Array): void {
    const iaNaData = dhcp6Option(m, dhcp6OptionCodes.iaNa);
    if (!iaNaData) return this.net.log('dhcp6: reply without IA_NA ignored');
    const parsed = attempt(() => {
      const iaNa = readDhcp6IaNa(iaNaData);
      const addrData = iaNa.options.find((o) => o.code === dhcp6OptionCodes.iaAddr)?.data;
      return { iaNa, ia: addrData ? readDhcp6IaAddr(addrData) : undefined };
    });
    if (!parsed.ok) return this.net.log(`dhcp6: malformed IA_NA ignored: ${parsed.error.message}`);
    const { iaNa, ia } = parsed.value;
    if (iaNa.iaid !== this.iaid) return;
    if (!ia) return this.net.log('dhcp6: IA_NA without an address ignored');
    this.timer?.cancel();
    const t1 = iaNa.t1 > 0 ? iaNa.t1 : Math.floor(ia.preferredLifetime / 2);
    this.lease = { address: ia.address, preferredSeconds: ia.preferredLifetime, validSeconds: ia.validLifetime, t1Seconds: t1, serverDuid };
    this.serverDuid = serverDuid;
    const renewed = this.state === 'renewing';
    this.state = 'bound';
    this.net.log(`dhcp6: ${renewed ? 'renewed' : 'bound to'} ${formatIpv6(ia.address)} (T1 ${t1} s)`);
    this.timer = this.net.clock.setTimer(t1 * 1000, () => this.exchange('renewing', dhcp6MessageTypes.renew));
    this.events.bound(this.lease);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
