import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { upstreamOrSkip } from '../../test-support/upstream';
import { fromHex, Reader, toHex, Writer } from './bytes';
import { readActions, writeActions } from './actions/codec';
import { layoutTable } from './actions/layout-table';
import { decodeMessage, encodeMessage } from './messages/codec';
import { readPacketIn2Fields } from './messages/packet-in2';
import { oxm, sampleActions, sampleMessages } from './testdata/samples';
import type { Action } from './actions/types';
import type { Match } from './match';
import type { OfpMessage } from './messages/types';
import { formatActions } from './text/action-format';

function actionBytes(a: Parameters<typeof writeActions>[1]): Uint8Array {
  const w = new Writer();
  writeActions(w, a);
  return w.finish();
}

describe('openflow round trips', () => {
  for (const m of sampleMessages()) {
    it(`${m.type} (xid ${m.xid}) encodes, decodes to the same value and re-encodes to the same bytes`, () => {
      const bytes = encodeMessage(m);
      assert.equal(bytes.length % 1, 0);
      assert.equal((bytes[2]! << 8) | bytes[3]!, bytes.length, 'header length');
      const r = decodeMessage(bytes);
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      assert.deepEqual(r.value, m);
      assert.equal(toHex(encodeMessage(r.value)), toHex(bytes));
    });
  }

  for (const a of sampleActions) {
    it(`action ${a.type}${'variant' in a ? `/${String(a.variant)}` : ''} round-trips alone, 8-byte aligned`, () => {
      const bytes = actionBytes([a]);
      assert.equal(bytes.length % 8, 0);
      const back = readActions(new Reader(bytes));
      assert.deepEqual(back, [a]);
      assert.equal(toHex(actionBytes(back)), toHex(bytes));
    });
  }

  it('covers every row of the fixed-layout action table with a sample whose decoded shape is the typed one', () => {
    // decodeLayout's result is cast to Action: this is where the table and the types are held together.
    for (const row of layoutTable) {
      const sample = sampleActions.find((a) => {
        const bytes = actionBytes([a]);
        const type = (bytes[0]! << 8) | bytes[1]!;
        return row.vendor === 'of' ? type === row.code : type === 0xffff && ((bytes[8]! << 8) | bytes[9]!) === row.code;
      });
      assert.ok(sample, `no sample action for ${row.vendor} ${row.code} (${row.type})`);
      const back = readActions(new Reader(actionBytes([sample])));
      assert.deepEqual(Object.keys(back[0]!).sort(), Object.keys(sample).sort(), row.type);
    }
  });

  it('reads NXT_PACKET_IN2 properties back into typed fields', () => {
    const m = sampleMessages().find((x) => x.type === 'nx_packet_in2');
    assert.ok(m && m.type === 'nx_packet_in2');
    const f = readPacketIn2Fields(m.properties);
    assert.equal(f.tableId, 21);
    assert.equal(f.cookie, 0x1234n);
    assert.equal(toHex(f.userdata!), '0000000000000000');
    assert.equal(f.continuation!.length, 28);
    assert.deepEqual(f.metadata?.map((e) => e.field.name), ['metadata', 'reg14', 'in_port']);
  });

  it('rejects bad bytes with an error naming the message type and offset', () => {
    const flowMod = encodeMessage(sampleMessages().find((x) => x.type === 'flow_mod')!);
    const cut = flowMod.slice(0, 60);
    cut[2] = 0;
    cut[3] = 60;
    const r = decodeMessage(cut);
    assert.ok(!r.ok);
    assert.equal(r.error.what, 'OFPT_FLOW_MOD');
    assert.ok(r.error.offset >= 48 && r.error.offset <= 60, `offset ${r.error.offset}`);
    const unknownAction = fromHex('0006001000000001' + 'fffe0008' + '00000000');
    const r2 = decodeMessage(unknownAction);
    assert.ok(!r2.ok);
    assert.match(r2.error.message, /OFPT_FEATURES_REPLY/);
    // A FLOW_MOD whose match holds an unknown OXM class 0x0123 at offset 52.
    const badOxm = fromHex(`060e0040${'00'.repeat(4)}${'00'.repeat(40)}00010008` + '01230004' + '00'.repeat(8));
    badOxm[3] = badOxm.length;
    const r3 = decodeMessage(badOxm);
    assert.ok(!r3.ok);
    assert.match(r3.error.message, /^OFPT_FLOW_MOD: unknown OXM field class 0x123 .*at offset 52$/);
    // An error deep inside (a truncated NXAST_CT nested action) still names the message, then the element.
    const fm = sampleMessages().find((x) => x.type === 'flow_mod');
    assert.ok(fm && fm.type === 'flow_mod');
    const ctOnly = encodeMessage({ ...fm, match: [], instructions: [{ type: 'apply_actions', actions: sampleActions.filter((a) => a.type === 'ct').slice(0, 1) }] });
    const broken = ctOnly.slice();
    broken[broken.length - 9] = 0xff; // corrupt the nested set_field OXM header's length byte
    const r4 = decodeMessage(broken);
    assert.ok(!r4.ok);
    assert.equal(r4.error.what, 'OFPT_FLOW_MOD');
    assert.match(r4.error.message, /^OFPT_FLOW_MOD: (OFPAT|NXAST|experimenter|OFPIT).* at offset \d+$/);
  });
});

describe('openflow encodings accepted by ovs-ofctl ofp-print', function () {
  before(function () {
    upstreamOrSkip(this, 'ovs-ofctl');
  });

  for (const m of sampleMessages()) {
    // Not OpenFlow 1.5 messages for OVS (NXT_SET_FLOW_FORMAT is OF1.0-only), or payloads it does not model.
    // The all-actions FLOW_MOD is semantically invalid for OVS (pop_vlan without a VLAN, ...): actions are
    // checked one by one below instead.
    if (m.type === 'experimenter' || m.type === 'nx_set_flow_format' || m.type === 'flow_mod' || m.type === 'multipart_request' && m.body.kind === 'raw') continue;
    it(`ovs-ofctl decodes our ${m.type} (xid ${m.xid}) cleanly`, () => {
      const out = execFileSync('ovs-ofctl', ['ofp-print', toHex(encodeMessage(m))], { encoding: 'utf8' });
      assert.doesNotMatch(out, /decode error|\*\*\*|unknown/i, out);
    });
  }

  // Each action inside a FLOW_MOD whose match satisfies the action's prerequisites, so OVS accepts it.
  const contextFor = (a: Action): Match => {
    if (a.type === 'pop_vlan') return [oxm('vlan_vid', '1064')];
    if (a.type === 'pop_mpls' || a.type === 'dec_mpls_ttl') return [oxm('eth_type', '8847')];
    if (a.type === 'resubmit' && a.variant === 'table_ct') return [oxm('eth_type', '0800'), oxm('ct_state', '00000021', '00000031')];
    return [oxm('eth_type', '0800'), oxm('ip_proto', '06')];
  };
  for (const [i, a] of sampleActions.entries()) {
    if (a.type === 'nat') continue; // only valid nested in ct (covered by the ct samples)
    it(`ovs-ofctl prints sample action ${i} (${a.type}) as our printer does`, () => {
      const m: OfpMessage = {
        type: 'flow_mod', xid: 1, cookie: 0n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0,
        priority: 1, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, importance: 0,
        match: contextFor(a), instructions: [{ type: 'apply_actions', actions: [a] }],
      };
      const out = execFileSync('ovs-ofctl', ['ofp-print', toHex(encodeMessage(m))], { encoding: 'utf8' });
      const printed = /actions=(.*)$/m.exec(out)?.[1];
      assert.equal(printed, formatActions([a]), out);
    });
  }
});
