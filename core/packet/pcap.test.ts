// pcap files: our encoder/decoder against text2pcap (writes pcap from a hex dump) and tshark (reads ours).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { decodePcap, encodePcap, linkTypeEthernet } from './pcap';
import { arpRequest, icmp4Echo } from './recipes';
import { bytesEqual } from './bytes';

const frames = [
  arpRequest({ srcMac: '00:00:00:00:00:01', srcIp: '10.0.0.1', targetIp: '10.0.0.2' }),
  icmp4Echo({ srcMac: '00:00:00:00:00:01', dstMac: '00:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2', identifier: 1, sequence: 1 }),
];

/** The od-style dump text2pcap reads: an offset, then hex bytes, 16 a line; a new offset 0 starts a frame. */
function hexDump(frame: Uint8Array): string {
  let out = '';
  for (let i = 0; i < frame.length; i += 16) {
    const line = [...frame.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    out += `${i.toString(16).padStart(6, '0')}  ${line}\n`;
  }
  return out;
}

describe('packet/pcap', () => {
  it('round-trips records with timestamps', () => {
    const file = encodePcap([{ timeMicros: 1_500_000_123, frame: frames[0]! }, { timeMicros: 7, frame: frames[1]!, originalLength: 200 }]);
    const r = decodePcap(file);
    assert.ok(r.ok);
    assert.equal(r.value.linkType, linkTypeEthernet);
    assert.deepEqual(r.value.records.map((x) => [x.timeMicros, x.originalLength]), [[1_500_000_123, frames[0]!.length], [7, 200]]);
    assert.ok(bytesEqual(r.value.records[1]!.frame, frames[1]!));
  });

  it('reports a bad magic number and a truncated record', () => {
    const bad = decodePcap(new Uint8Array(24));
    assert.ok(!bad.ok);
    assert.match(bad.error.message, /not a pcap file/);
    const file = encodePcap([{ timeMicros: 0, frame: frames[1]! }]);
    const cut = decodePcap(file.subarray(0, file.length - 5));
    assert.ok(!cut.ok);
    assert.equal(cut.error.offset, 24 + 16);
    assert.match(cut.error.message, /record data/);
  });

  describe('with upstream tools', function () {
    let dir = '';
    before(function () {
      upstreamOrSkip(this, 'text2pcap', 'tshark');
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packet-pcap-'));
    });
    after(() => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    for (const format of ['pcap', 'nsecpcap']) {
      it(`decodes a ${format} file written by text2pcap`, () => {
        const text = path.join(dir, 'frames.txt');
        const file = path.join(dir, `frames.${format}`);
        fs.writeFileSync(text, frames.map(hexDump).join(''));
        execFileSync('text2pcap', ['-q', '-F', format, text, file], { stdio: 'ignore' });
        const r = decodePcap(new Uint8Array(fs.readFileSync(file)));
        assert.ok(r.ok, !r.ok ? r.error.message : '');
        assert.equal(r.value.records.length, frames.length);
        r.value.records.forEach((rec, i) => assert.ok(bytesEqual(rec.frame, frames[i]!), `frame ${i}`));
      });
    }

    it('writes files tshark reads with our timestamps', () => {
      const file = path.join(dir, 'ours.pcap');
      fs.writeFileSync(file, encodePcap(frames.map((frame, i) => ({ timeMicros: 2_000_000 + i * 250_000, frame }))));
      const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len'], {
        encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
      });
      const rows = out.trim().split('\n').map((l) => l.split('\t'));
      assert.deepEqual(rows.map((r) => [Number(r[0]), Number(r[1])]), [[2, frames[0]!.length], [2.25, frames[1]!.length]]);
    });
  });
});
