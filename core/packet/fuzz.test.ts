// Seeded fuzzing: thousands of truncated and mutated frames must never make a top-level parser throw.
// The seed is printed; rerun a failure with PACKET_FUZZ_SEED=<seed>.
import { strict as assert } from 'node:assert';
import { SeededRandom } from '../runtime/seeded-random';
import type { Random } from '../runtime/random';
import { buildFrame } from './build';
import { decodeFrame, parseFrame } from './decode';
import { extractFlowKey } from './flow-key';
import { decodePcap, encodePcap } from './pcap';
import * as parse from './parse';
import {
  arpRequest, dhcp4Discover, dnsQuery, geneveEncapsulate, icmp4Echo, icmp6Echo, neighborAdvertisement,
  neighborSolicitation, routerSolicitation, tcp4,
} from './recipes';
import { dhcp6MessageTypes, dhcp6OptionCodes, dhcp6Opt } from './dhcp6';
import { dhcp4Reply, dnsResponse, routerAdvertisement } from './responder-recipes';
import { fromHex, toHex } from './bytes';

const seed = process.env.PACKET_FUZZ_SEED ?? 'packet-fuzz-1';
const mutationsCount = 6000;
const ab = { srcMac: '00:00:00:00:00:01', dstMac: '00:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2' };

function corpus(): Uint8Array[] {
  const echo = icmp4Echo({ ...ab, identifier: 1, sequence: 1 });
  return [
    echo,
    icmp4Echo({ ...ab, vlan: 5, identifier: 1, sequence: 1 }),
    arpRequest({ srcMac: ab.srcMac, srcIp: ab.srcIp, targetIp: ab.dstIp }),
    tcp4({ ...ab, srcPort: 1, dstPort: 2, flags: 2, data: new Uint8Array(10) }),
    dhcp4Discover({ mac: ab.srcMac, xid: 5, hostname: 'h' }),
    dnsQuery({ ...ab, id: 1, name: 'a.example.com' }),
    geneveEncapsulate({ ...ab, vni: 1, ports: { ingressPort: 1, egressPort: 2 }, inner: echo }),
    icmp6Echo({ srcMac: ab.srcMac, dstMac: ab.dstMac, srcIp: 'fd00::1', dstIp: 'fd00::2', identifier: 1, sequence: 1 }),
    neighborSolicitation({ srcMac: ab.srcMac, srcIp: 'fe80::1', targetIp: 'fe80::2' }),
    neighborAdvertisement({ srcMac: ab.srcMac, srcIp: 'fe80::1', dstMac: ab.dstMac, dstIp: 'fe80::2' }),
    routerSolicitation({ srcMac: ab.srcMac, srcIp: 'fe80::1' }),
    buildFrame([
      { kind: 'ethernet', src: ab.srcMac, dst: ab.dstMac },
      { kind: 'ipv6', src: 'fd00::1', dst: 'fd00::2', extensions: [{ type: 0 }, { type: 43, routingType: 0, segmentsLeft: 0 }, { type: 44, offset: 0, moreFragments: true, identification: 1 }] },
      { kind: 'udp' },
      { kind: 'dhcp6', msgType: dhcp6MessageTypes.solicit, transactionId: 1, options: [dhcp6Opt.iaNa(1, 0, 0, [dhcp6Opt.iaAddr('fd00::5', 1, 2)]), dhcp6Opt.duidLl(dhcp6OptionCodes.clientId, ab.srcMac)] },
    ]),
    buildFrame([
      { kind: 'ethernet', src: ab.srcMac, dst: ab.dstMac }, { kind: 'ipv4', src: ab.srcIp, dst: ab.dstIp },
      { kind: 'sctp', srcPort: 1, dstPort: 2, chunks: [{ type: 0, flags: 0, value: new Uint8Array(7) }] },
    ]),
    buildFrame([
      { kind: 'ethernet', src: ab.srcMac, dst: ab.dstMac }, { kind: 'ipv4', src: ab.srcIp, dst: ab.dstIp }, { kind: 'udp' },
      { kind: 'dns', id: 2, flags: { qr: true }, questions: [{ name: 'x.org', type: 1 }], answers: [{ name: 'x.org', rdata: { kind: 'a', address: '1.2.3.4' } }] },
    ]),
    geneveEncapsulate({ ...ab, srcIp: 'fd01::1', dstIp: 'fd01::2', vni: 2, ports: { ingressPort: 3, egressPort: 4 }, inner: echo }),
    routerAdvertisement({ routerMac: ab.srcMac, routerIp: 'fe80::1', prefixes: [{ prefix: 'fd00::', length: 64 }], mtu: 1400 }),
    dhcp4Reply({ serverMac: ab.srcMac, serverIp: ab.srcIp, clientMac: ab.dstMac, xid: 1, messageType: 5, yiaddr: ab.dstIp, dnsServers: [ab.srcIp], domainName: 'x.test' }),
    dnsResponse({ serverMac: ab.srcMac, serverIp: ab.srcIp, clientMac: ab.dstMac, clientIp: ab.dstIp, clientPort: 4000, id: 1, question: { name: 'x.test', type: 28 }, answers: [{ name: 'x.test', rdata: { kind: 'aaaa', address: 'fd00::1' } }, { name: 'x.test', rdata: { kind: 'cname', name: 'y.test' } }] }),
    buildFrame([
      { kind: 'ethernet', src: ab.srcMac, dst: ab.dstMac }, { kind: 'ipv6', src: 'fe80::1', dst: 'ff02::16', extensions: [{ type: 0, options: new Uint8Array([5, 2, 0, 0]) }] },
      { kind: 'icmp6', message: { kind: 'mld2-report', records: [{ recordType: 4, multicastAddress: 'ff05::1', sources: ['fd00::1'] }] } },
    ]),
    // A DNS response with compression pointers (a sharp edge for the name reader).
    buildFrame([
      { kind: 'ethernet', src: ab.srcMac, dst: ab.dstMac }, { kind: 'ipv4', src: ab.srcIp, dst: ab.dstIp }, { kind: 'udp', srcPort: 53, dstPort: 53 },
      { kind: 'raw', bytes: fromHex('abcd81800001000200000000076578616d706c6503636f6d0000010001c00c000500010000003c000603777777c00cc02900010001000000780004c0000201') },
    ]),
  ];
}

function mutate(r: Random, frame: Uint8Array): Uint8Array {
  let out = frame.slice();
  const steps = r.intBetween(1, 4);
  for (let s = 0; s < steps; s++) {
    switch (r.int(6)) {
      case 0: // truncate
        out = out.slice(0, r.int(out.length + 1));
        break;
      case 1: // flip one bit
        if (out.length) out[r.int(out.length)] ^= 1 << r.int(8);
        break;
      case 2: // overwrite a byte with an extreme value (length fields, counts)
        if (out.length) out[r.int(out.length)] = r.pick([0, 1, 0x7f, 0x80, 0xc0, 0xff]);
        break;
      case 3: { // randomize a short run
        if (!out.length) break;
        const at = r.int(out.length);
        out.set(r.bytes(Math.min(r.intBetween(1, 8), out.length - at)), at);
        break;
      }
      case 4: { // append garbage
        const tail = r.bytes(r.int(64));
        const grown = new Uint8Array(out.length + tail.length);
        grown.set(out);
        grown.set(tail, out.length);
        out = grown;
        break;
      }
      default: // cut from the front (layers seen at the wrong offset)
        out = out.slice(r.int(Math.min(out.length, 60) + 1));
    }
  }
  return out;
}

const layerParsers = Object.values(parse) as Array<(b: Uint8Array) => unknown>;

describe('packet parsers under seeded fuzzing', () => {
  it(`never throw on ${mutationsCount} truncated/mutated frames (seed ${seed})`, () => {
    console.log(`    packet fuzz seed: ${seed} (set PACKET_FUZZ_SEED to replay)`);
    const r = new SeededRandom(seed);
    const frames = corpus();
    let decodedOk = 0;
    let rejected = 0;
    for (let i = 0; i < mutationsCount; i++) {
      const frame = mutate(r, r.pick(frames));
      try {
        const d = decodeFrame(frame);
        const strict = parseFrame(frame);
        extractFlowKey(frame, { in_port: 1 });
        for (const p of layerParsers) p(frame.subarray(r.int(Math.min(frame.length, 60) + 1)));
        if (d.ok && !d.value.error) decodedOk++;
        if (!strict.ok) {
          rejected++;
          assert.ok(strict.error.offset >= 0 && strict.error.offset <= frame.length + 1, `offset ${strict.error.offset} outside frame`);
          assert.ok(strict.error.message.length > 0);
        }
      } catch (e) {
        assert.fail(`mutation ${i} (seed ${seed}) threw ${String(e)}; frame ${toHex(frame)}`);
      }
    }
    // Both outcomes must be common, or the mutations are not exercising the parsers.
    assert.ok(decodedOk > mutationsCount / 20, `only ${decodedOk} mutated frames decoded cleanly`);
    assert.ok(rejected > mutationsCount / 4, `only ${rejected} mutated frames were rejected`);
  });

  it(`never throw on mutated pcap files (seed ${seed})`, () => {
    const r = new SeededRandom(`${seed}/pcap`);
    const file = encodePcap(corpus().map((frame, i) => ({ timeMicros: i, frame })));
    for (let i = 0; i < 500; i++) {
      const m = mutate(r, file);
      try {
        decodePcap(m);
      } catch (e) {
        assert.fail(`pcap mutation ${i} (seed ${seed}) threw ${String(e)}`);
      }
    }
    const ok = decodePcap(file);
    assert.ok(ok.ok && ok.value.records.length === corpus().length);
  });
});
