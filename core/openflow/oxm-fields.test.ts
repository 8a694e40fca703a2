// The field table against its source of truth, the installed `man ovs-fields`.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { upstreamOrSkip } from '../../test-support/upstream';
import { codeByName, fieldByHeader, fieldByName, fieldTable, preferredCode } from './oxm-fields';

interface ManField { name: string; aliases: string[]; bits: number; maskable: boolean; codes: Array<{ name: string; field: number }> }

function manFields(): ManField[] {
  const text = execFileSync('man', ['ovs-fields'], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '200', MAN_KEEP_FORMATTING: '' } });
  const out: ManField[] = [];
  let cur: ManField | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*(Name|Width|Masking|OXM|NXM):\s+(.*)$/.exec(line.replace(/.\x08/g, ''));
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'Name') {
      const [name, ...rest] = value.split(' ');
      const aliases = /\(aka (\w+)\)/.exec(rest.join(' '));
      cur = { name: name!, aliases: aliases ? [aliases[1]!] : [], bits: 0, maskable: false, codes: [] };
      out.push(cur);
    } else if (cur && key === 'Width') cur.bits = Number(/^(\d+) bits/.exec(value)?.[1]);
    else if (cur && key === 'Masking') cur.maskable = value.startsWith('arbitrary bitwise');
    else if (cur && (key === 'OXM' || key === 'NXM') && value !== 'none') {
      for (const part of value.split(';')) {
        const c = /([A-Z0-9_]+) \((\d+)\)/.exec(part);
        if (c) cur.codes.push({ name: c[1]!, field: Number(c[2]) });
      }
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
      upstreamOrSkip(this, 'man', 'ovs-ofctl');
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
