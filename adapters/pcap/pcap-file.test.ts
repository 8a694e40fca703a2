import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { readPcapFile, writePcapFile, PcapFileError } from './pcap-file';
import { runDataplaneDemo } from '../../scenarios/dataplane-demo';
import { SimWorld } from '../../sim/world';
import { replay } from '../../sim/pcap/replay';
import { decodePcap } from '../../core/packet/pcap';
import { icmp4Echo, udp4, arpRequest } from '../../core/packet/recipes';
import type { Nic } from '../../core/runtime/datagram';
import type { Clock } from '../../core/runtime/clock';
import { PcapRecorder } from '../../sim/pcap/recorder';
import { dhcp4Server, lan } from '../../sim/vm/vm-test-kit.test';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-ts-pcap-'));
}

function tshark(file: string, ...args: string[]): string[] {
  return execFileSync('tshark', ['-r', file, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).replace(/\n+$/, '').split('\n');
}

const demo = runDataplaneDemo('pcap-test');

describe('adapters/pcap: pcap files (pcap-parser)', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads back what we wrote: same frames, same virtual timestamps', async () => {
    const bytes = demo.captures.get('underlay.pcap')!;
    const file = path.join(dir, 'underlay.pcap');
    fs.writeFileSync(file, bytes);
    const read = await readPcapFile(file);
    const pure = decodePcap(bytes);
    assert.ok(pure.ok);
    assert.equal(read.linkType, 1);
    assert.equal(read.records.length, pure.value.records.length);
    assert.ok(read.records.length > 10);
    read.records.forEach((r, i) => {
      assert.deepEqual(r.frame, pure.value.records[i]!.frame);
      assert.equal(r.timeMicros, pure.value.records[i]!.timeMicros);
    });
  });

  it('rejects a truncated file, a non-pcap file, a missing file and another link type with clear errors', async () => {
    const bytes = demo.captures.get('underlay.pcap')!;
    const cut = path.join(dir, 'cut.pcap');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 5));
    await assert.rejects(readPcapFile(cut), (e: unknown) => e instanceof PcapFileError && /truncated: \d+ trailing bytes after record \d+/.test(e.message));
    const junk = path.join(dir, 'junk.pcap');
    fs.writeFileSync(junk, 'this is not a capture file at all');
    await assert.rejects(readPcapFile(junk), /unknown magic number/);
    await assert.rejects(readPcapFile(path.join(dir, 'missing.pcap')), (e: unknown) => e instanceof PcapFileError && /ENOENT/.test(e.message));
    const raw = Uint8Array.from(bytes);
    raw[20] = 101; // LINKTYPE_RAW
    const other = path.join(dir, 'raw.pcap');
    fs.writeFileSync(other, raw);
    await assert.rejects(readPcapFile(other), /link type 101 is not Ethernet/);
    const empty = path.join(dir, 'empty.pcap');
    fs.writeFileSync(empty, new Uint8Array(0));
    await assert.rejects(readPcapFile(empty), /no pcap global header/);
    const whole = path.join(dir, 'whole.pcap');
    fs.writeFileSync(whole, bytes);
    await assert.rejects(readPcapFile(whole, 3), /more than 3 records/);
  });

  it('ovn-ts sim dataplane-demo --pcap DIR writes the captures (and the run is the same with or without)', () => {
    const main = path.join(__dirname, '..', 'cli', 'main.js');
    const out = path.join(dir, 'caps');
    const a = spawnSync(process.execPath, [main, 'sim', 'dataplane-demo', '--seed', '5', '--pcap', out], { encoding: 'utf8' });
    const b = spawnSync(process.execPath, [main, 'sim', 'dataplane-demo', '--seed', '5'], { encoding: 'utf8' });
    assert.equal(a.status, 0, a.stderr);
    assert.deepEqual(fs.readdirSync(out).sort(), ['hv1-vif-vm1.pcap', 'hv2-vif-vm2.pcap', 'underlay.pcap']);
    assert.equal(a.stdout.trim().split('\n').pop(), b.stdout.trim().split('\n').pop());
    assert.deepEqual(fs.readFileSync(path.join(out, 'underlay.pcap')), Buffer.from(runDataplaneDemo('5').captures.get('underlay.pcap')!));
    const none = spawnSync(process.execPath, [main, 'sim', 'kernel-demo', '--pcap', out], { encoding: 'utf8' });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /scenario kernel-demo makes no pcap captures/);
  });

  describe('with tshark and text2pcap', function () {
    before(function () {
      upstreamOrSkip(this, 'tshark', 'text2pcap');
    });

    it('tshark decodes the underlay capture: Geneve with VNI = datapath key and the OVN option, ICMP echo inside', () => {
      const file = writePcapFile(path.join(dir, 'underlay.pcap'), decodeOrThrow(demo.captures.get('underlay.pcap')!));
      const rows = tshark(file, '-Y', 'geneve', '-T', 'fields', '-E', 'separator=|',
        '-e', 'geneve.vni', '-e', 'geneve.option.class', '-e', 'geneve.option.type', '-e', 'geneve.option.unknown.data', '-e', 'icmp.type');
      const icmp = rows.filter((r) => r.endsWith('|8') || r.endsWith('|0'));
      assert.deepEqual(icmp, [
        '0x000005|0x0102|0x80|00010002|8', '0x000005|0x0102|0x80|00020001|0',
        '0x000005|0x0102|0x80|00010002|8', '0x000005|0x0102|0x80|00020001|0',
        '0x000005|0x0102|0x80|00010002|8', '0x000005|0x0102|0x80|00020001|0',
      ]);
      // ARP flooded with egress = the flood group 32768 (0x8000).
      assert.ok(rows.includes('0x000005|0x0102|0x80|00018000|'), rows.join('\n'));
      const summary = tshark(file, '-Y', 'geneve && tcp', '-T', 'fields', '-e', 'tcp.flags.str');
      assert.equal(summary.length, 6);
      assert.ok(summary[0]!.includes('S'));
    });

    it('tshark decodes a VIF capture: ICMP echo request and reply, no tunnel', () => {
      const file = path.join(dir, 'vif.pcap');
      fs.writeFileSync(file, demo.captures.get('hv1-vif-vm1.pcap')!);
      const rows = tshark(file, '-Y', 'icmp', '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'icmp.type', '-e', 'icmp.seq');
      assert.deepEqual(rows, [
        '10.0.0.1\t10.0.0.2\t8\t1', '10.0.0.2\t10.0.0.1\t0\t1',
        '10.0.0.1\t10.0.0.2\t8\t2', '10.0.0.2\t10.0.0.1\t0\t2',
        '10.0.0.1\t10.0.0.2\t8\t3', '10.0.0.2\t10.0.0.1\t0\t3',
      ]);
      assert.deepEqual(tshark(file, '-Y', 'geneve'), ['']);
    });

    it('tshark reads our VM stacks as the real protocols: DHCP DORA, ARP, ICMPv6 ND and echo, TCP', () => {
      const { world, vm } = lan('tshark-dhcp');
      const server = vm('server', 1, { address: '10.0.0.2', prefixLength: 24 });
      dhcp4Server(server, 3600, []);
      const client = vm('client', 10, 'dhcp');
      let recorder!: PcapRecorder;
      world.spawn('tap', (rt, h) => {
        const nic = world.segment('lan').attach(h, 'tap0', new Uint8Array([2, 0xee, 0, 0, 0, 1]));
        world.segment('lan').setPromiscuous(nic, true);
        recorder = new PcapRecorder('lan', rt.clock);
        nic.setReceiver((f) => recorder.record(f));
      });
      client.start();
      world.sim.runFor(1_000);
      const file = writePcapFile(path.join(dir, 'dhcp.pcap'), recorder.records);
      assert.deepEqual(tshark(file, '-Y', 'dhcp', '-T', 'fields', '-e', 'dhcp.option.dhcp', '-e', 'dhcp.option.requested_ip_address', '-e', 'dhcp.ip.your'),
        ['1\t\t0.0.0.0', '2\t\t10.0.0.100', '3\t10.0.0.100\t0.0.0.0', '5\t\t10.0.0.100']);
      const vif = path.join(dir, 'vif.pcap');
      fs.writeFileSync(vif, demo.captures.get('hv1-vif-vm1.pcap')!);
      const icmp6 = tshark(vif, '-Y', 'icmpv6', '-T', 'fields', '-e', 'icmpv6.type', '-e', 'icmpv6.nd.ns.target_address', '-e', 'icmpv6.nd.na.target_address');
      assert.deepEqual(icmp6, ['135\tfd00::2\t', '136\t\tfd00::2', '128\t\t', '129\t\t', '128\t\t', '129\t\t']);
      // tshark finds our checksums right (it flags bad ones when asked to validate).
      const bad = tshark(vif, '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-Y', '_ws.expert.severity == error');
      assert.deepEqual(bad, ['']);
    });

    it('replays a text2pcap-made file into a NIC and reproduces the same frames at the recorded pace', async () => {
      const frames = [
        arpRequest({ srcMac: '02:00:00:00:00:01', srcIp: '10.0.0.1', targetIp: '10.0.0.2' }),
        icmp4Echo({ srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2', identifier: 7, sequence: 1 }),
        udp4({ srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2', srcPort: 1000, dstPort: 7, data: new TextEncoder().encode('hi') }),
      ];
      // text2pcap's hexdump input: a timestamp per packet (-t format), then offset-prefixed hex lines.
      const dump = frames.map((f, i) => `00:00:0${i}.250000\n${hexdump(f)}`).join('');
      const text = path.join(dir, 'frames.txt');
      const file = path.join(dir, 'frames.pcap');
      fs.writeFileSync(text, dump);
      execFileSync('text2pcap', ['-q', '-F', 'pcap', '-t', '%H:%M:%S.', text, file], { stdio: 'ignore' });
      const read = await readPcapFile(file);
      assert.deepEqual(read.records.map((r) => r.frame), frames);
      const world = new SimWorld({ seed: 'text2pcap' });
      const seg = world.addSegment('lan', { latency: { baseMs: 1 } });
      const received: { at: number; frame: Uint8Array }[] = [];
      let nic!: Nic;
      let clock!: Clock;
      world.spawn('player', (rt, h) => {
        nic = seg.attach(h, 'eth0', new Uint8Array([2, 0, 0, 0, 0, 1]));
        clock = rt.clock;
      });
      world.spawn('sink', (_rt, h) => seg.attach(h, 'eth0', new Uint8Array([2, 0, 0, 0, 0, 2])).setReceiver((f) => received.push({ at: world.sim.now, frame: f })));
      replay(read.records, nic, clock, { pace: 'recorded' });
      world.sim.run();
      assert.deepEqual(received.map((r) => r.frame), frames);
      assert.deepEqual(received.map((r) => r.at), [1, 1001, 2001]);
    });
  });
});

function decodeOrThrow(bytes: Uint8Array) {
  const d = decodePcap(bytes);
  assert.ok(d.ok);
  return d.value.records;
}

function hexdump(frame: Uint8Array): string {
  let out = '';
  for (let o = 0; o < frame.length; o += 16) {
    const chunk = [...frame.subarray(o, o + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    out += `${o.toString(16).padStart(6, '0')} ${chunk}\n`;
  }
  return out;
}
