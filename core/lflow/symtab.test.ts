import { strict as assert } from 'node:assert';
import { annotate, symbolExpression } from './annotate';
import { ovnSymbols } from './symbol-table';
import { ovnSymtab, Symtab } from './symtab';
import { printExpr } from './print-expr';
import { normalize } from './normalize';
import { checkMatch } from './check-match';
import { parseMatchOrThrow } from './parse-match';
import { noNames } from './lookup';

const st = ovnSymtab();

function sym(name: string) {
  const s = st.get(name);
  assert.ok(s, `no symbol ${name}`);
  return s;
}

/** OpenFlow field and bits a logical symbol ends up in, as "MFF_X[lo..hi]". */
function placed(name: string): string {
  const p = st.place(sym(name));
  return `${p.root.of?.id ?? p.root.name}[${p.ofs}..${p.ofs + Math.max(p.bits, 1) - 1}]`;
}

describe('lflow symbol table', () => {
  it('maps logical registers onto the OVS registers of the same number', () => {
    // OVS xxreg0 is reg0 (high 32 bits) .. reg3 (low): logical regN = OVS regN, no offset.
    for (let i = 0; i < 8; i++) {
      const xx = Math.floor(i / 4);
      const ofs = 32 * (3 - (i % 4));
      assert.equal(placed(`reg${i}`), `MFF_XXREG${xx}[${ofs}..${ofs + 31}]`);
    }
    assert.equal(placed('reg8'), 'MFF_XREG4[32..63]');
    assert.equal(placed('reg9'), 'MFF_XREG4[0..31]');
    assert.equal(placed('xreg0'), 'MFF_XXREG0[64..127]');
    assert.equal(placed('xreg3'), 'MFF_XXREG1[0..63]');
    assert.equal(placed('xreg4'), 'MFF_XREG4[0..63]');
    assert.equal(placed('xxreg1'), 'MFF_XXREG1[0..127]');
    assert.equal(sym('xxreg0').of?.wireName, 'NXM_NX_XXREG0');
    assert.equal(sym('xreg4').of?.wireName, 'OXM_OF_PKT_REG4');
  });

  it('keeps ports, flags and conntrack state where ovn-controller does', () => {
    assert.equal(sym('inport').of?.wireName, 'NXM_NX_REG14');
    assert.equal(sym('outport').of?.wireName, 'NXM_NX_REG15');
    assert.equal(sym('inport').width, 0);
    assert.equal(placed('flags.loopback'), 'MFF_REG10[0..0]');
    assert.equal(placed('flags.force_snat_for_dnat'), 'MFF_REG10[2..2]');
    assert.equal(placed('flags.use_snat_zone'), 'MFF_REG10[11..11]');
    const ct: Array<[string, number]> = [['ct.new', 0], ['ct.est', 1], ['ct.rel', 2], ['ct.rpl', 3], ['ct.inv', 4], ['ct.trk', 5], ['ct.snat', 6], ['ct.dnat', 7]];
    for (const [name, bit] of ct) {
      assert.equal(placed(name), `MFF_CT_STATE[${bit}..${bit}]`);
      assert.equal(sym(name).prereqs, name === 'ct.trk' ? null : 'ct.trk');
    }
    assert.equal(placed('ct_mark.blocked'), 'MFF_CT_MARK[0..0]');
    assert.equal(placed('ct_mark.ecmp_reply_port'), 'MFF_CT_MARK[16..31]');
    assert.equal(placed('ct_label.ecmp_reply_eth'), 'MFF_CT_LABEL[32..79]');
    assert.equal(placed('ct_label.label'), 'MFF_CT_LABEL[96..127]');
    assert.equal(placed('eth.mcast'), 'MFF_ETH_DST[40..40]');
    assert.equal(placed('vlan.vid'), 'MFF_VLAN_TCI[0..11]');
  });

  it('records widths, levels and writability from the OpenFlow fields', () => {
    const facts: Array<[string, number, string, boolean]> = [
      ['eth.src', 48, 'ordinal', true],
      ['eth.type', 16, 'nominal', false],
      ['ip.proto', 8, 'nominal', false],
      ['ip.ttl', 8, 'nominal', true],
      ['ip.dscp', 6, 'nominal', true],
      ['ip.ecn', 2, 'nominal', true],
      ['ip.frag', 2, 'ordinal', false],
      ['ip6.label', 20, 'ordinal', true],
      ['tcp.flags', 12, 'ordinal', false],
      ['tcp.src', 16, 'ordinal', true],
      ['icmp4.type', 8, 'nominal', true],
      ['arp.op', 16, 'nominal', true],
      ['nd.target', 128, 'ordinal', true],
      ['ct_state', 32, 'ordinal', false],
      ['ct.est', 1, 'ordinal', false],
      ['reg0', 32, 'ordinal', true],
      ['inport', 0, 'nominal', true],
      ['ip4', 1, 'nominal', false],
      ['ip', 1, 'nominal', false],
      ['eth.bcast', 1, 'boolean', false],
      ['ip.is_frag', 1, 'boolean', false],
      ['vlan.present', 1, 'boolean', false],
      ['icmp4.frag_mtu', 16, 'nominal', true],
    ];
    for (const [name, width, level, writable] of facts) {
      const s = sym(name);
      assert.deepEqual([s.width, s.level, s.writableIn.has('default')], [width, level, writable], name);
    }
    assert.equal(sym('ct_mark').writableIn.has('default'), false);
    assert.equal(sym('ct_mark').writableIn.has('ct_commit'), true);
    assert.equal(sym('ct_label.blocked').writableIn.has('ct_commit'), true);
    assert.equal(sym('eth.type').crossproduct, true);
  });

  it('every prerequisite and predicate in the table parses and type-checks', () => {
    assert.equal(st.all().length, ovnSymbols.length);
    for (const s of st.all()) {
      for (const text of [s.prereqs, s.expansion]) {
        if (text !== null) assert.doesNotThrow(() => symbolExpression(st, text, s), `${s.name}: ${text}`);
      }
      if (s.kind === 'field' || s.kind === 'string') assert.ok(s.of, s.name);
    }
  });

  it('expands prerequisites transitively: tcp.src needs tcp, which is ip.proto == 6, which needs ip', () => {
    const e = annotate(checkMatch(parseMatchOrThrow('tcp.src == 80'), { symtab: st, names: noNames }), st);
    assert.equal(
      printExpr(normalize(e)),
      '(eth.type == 0x800 && ip.proto == 6 && tcp.src == 80) || (eth.type == 0x86dd && ip.proto == 6 && tcp.src == 80)',
    );
    const nd = annotate(checkMatch(parseMatchOrThrow('nd.sll == 00:00:00:00:00:01'), { symtab: st, names: noNames }), st);
    assert.match(printExpr(normalize(nd)), /^eth\.type == 0x86dd && icmp6\.code == 0 && icmp6\.type == 135 && ip\.proto == 58 && ip\.ttl == 255 && nd\.sll == 00:00:00:00:00:01$/);
  });

  it('refuses broken tables at construction (generic engine asserts)', () => {
    assert.throws(() => new Symtab([{ kind: 'field', name: 'x', of: 'MFF_NOPE' }]), /unknown OpenFlow field/);
    assert.throws(() => new Symtab([{ kind: 'subfield', name: 'y', of: 'x[0]' }]), /bad parent/);
    assert.throws(() => new Symtab([{ kind: 'field', name: 'r', of: 'MFF_REG0' }, { kind: 'subfield', name: 'y', of: 'r[40]' }]), /outside/);
    assert.throws(() => new Symtab([{ kind: 'field', name: 'r', of: 'MFF_REG0' }, { kind: 'field', name: 'r', of: 'MFF_REG1' }]), /duplicate/);
  });
});
