// The field table against its source of truth, the installed `man ovs-fields`.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { upstreamOrSkip } from '../../test-support/upstream';
import { codeByName, fieldByHeader, fieldByName, fieldTable, preferredCode } from './oxm-fields';

interface ManField { name: string; aliases: string[]; bits: number; maskable: boolean; codes: Array<{ name: string; field: number }> }

const manPage = '/usr/share/man/man7/ovs-fields.7.gz';

/** Reads the field blocks straight from the roff source of ovs-fields(7) (no `man` binary needed). */
function manFields(): ManField[] {
  const roff = zlib.gunzipSync(fs.readFileSync(manPage)).toString('utf8');
  // Join tbl "T{ ... T}" cells onto their key line and drop font escapes.
  const text = roff.replace(/;T\{\n([\s\S]*?)\nT\}/g, (_m, cell: string) => `;${cell.replace(/\n/g, ' ')}`).replace(/\\f[BRIP]/g, '');
  const out: ManField[] = [];
  let cur: ManField | undefined;
  for (const line of text.split('\n')) {
    const m = /^(Name|Width|Masking|OXM|NXM):;(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'Name') {
      const [name, ...rest] = value.split(' ');
      const aliases = /\(aka (\w+)\)/.exec(rest.join(' '));
      cur = { name: name!, aliases: aliases ? [aliases[1]!] : [], bits: 0, maskable: false, codes: [] };
      out.push(cur);
    } else if (cur && key === 'Width') cur.bits = Number(/^(\d+) bits/.exec(value)?.[1]);
    else if (cur && key === 'Masking') cur.maskable = value.startsWith('arbitrary bitwise');
    else if (cur && (key === 'OXM' || key === 'NXM') && value.trim() !== 'none') {
      for (const c of value.matchAll(/([A-Z0-9_]+) \((\d+)\)/g)) cur.codes.push({ name: c[1]!, field: Number(c[2]) });
    }
  }
  return out;
}

describe('oxm field table', () => {
  it('has unique names and headers, and a code for OpenFlow 1.5 for every encodable field', () => {
    for (const f of fieldTable) {
      assert.equal(fieldByName(f.name), f);
      for (const c of f.codes) assert.equal(fieldByHeader(c.oxmClass, c.field, c.experimenter)?.field, f, c.name);
      if (f.codes.length) assert.ok(preferredCode(f, 6));
    }
    assert.equal(preferredCode(fieldByName('tcp_flags')!, 6)?.name, 'OXM_OF_TCP_FLAGS');
    assert.equal(preferredCode(fieldByName('eth_src')!, 6)?.name, 'OXM_OF_ETH_SRC');
    assert.equal(preferredCode(fieldByName('reg3')!, 6)?.name, 'NXM_NX_REG3');
    assert.equal(fieldByName('tun_metadata63')?.codes[0]?.field, 103);
    assert.equal(fieldByName('xxreg3')?.codes[0]?.field, 114);
  });

  describe('against man ovs-fields', function () {
    before(function () {
      upstreamOrSkip(this, 'ovs-ofctl');
      if (!fs.existsSync(manPage)) {
        if (process.env.CI === 'true') throw new Error(`${manPage} missing; CI must have the OVS man pages`);
        this.skip();
      }
    });

    it('matches every documented field: name, alias, width, maskability, NXM/OXM names and numbers', () => {
      const fields = manFields();
      assert.ok(fields.length >= 80, `parsed only ${fields.length} fields from the man page`);
      for (const mf of fields) {
        const f = fieldByName(mf.name);
        assert.ok(f, `missing field ${mf.name}`);
        for (const a of mf.aliases) assert.equal(fieldByName(a), f, `alias ${a}`);
        assert.equal(f.bits, mf.bits, `${mf.name} width`);
        // ct_zone etc. are documented "not maskable"; OVS agrees, so must we.
        assert.equal(f.maskable, mf.maskable, `${mf.name} maskable`);
        assert.deepEqual(f.codes.map((c) => c.name).sort(), mf.codes.map((c) => c.name).sort(), `${mf.name} codes`);
        for (const c of mf.codes) assert.equal(codeByName(c.name)?.code.field, c.field, `${c.name} number`);
      }
    });
  });
});
