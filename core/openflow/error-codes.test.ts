import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { errorCodeTable, ofpErrorCode, ofpErrorName } from './error-codes';
import { encodeMessage } from './messages/codec';

describe('openflow error codes', () => {
  it('maps names and (type, code) both ways', () => {
    assert.equal(ofpErrorName(2, 4), 'OFPBAC_BAD_OUT_PORT');
    assert.deepEqual(ofpErrorCode('OFPBFC_MSG_BAD_XID'), { type: 17, code: 9 });
    assert.equal(ofpErrorName(99, 1), 'error type 99 code 1');
  });

  it('names every code as ovs-ofctl does', function () {
    upstreamOrSkip(this, 'ovs-ofctl');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ofperr-'));
    try {
      const file = path.join(dir, 'errors.bin');
      const chunks = errorCodeTable.map(([type, code], i) =>
        encodeMessage({ type: 'error', xid: i, errType: type, code, data: new Uint8Array(0) }));
      fs.writeFileSync(file, Buffer.concat(chunks));
      const out = execFileSync('ovs-ofctl', ['ofp-parse', file], { encoding: 'utf8' });
      const names = [...out.matchAll(/^OFPT_ERROR \(OF1\.5\) \(xid=0x[0-9a-f]+\): (\S+)/gm)].map((m) => m[1]);
      assert.deepEqual(names, errorCodeTable.map(([, , n]) => n));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
