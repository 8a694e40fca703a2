import { strict as assert } from 'node:assert';
import { toHex } from './bytes';
import { buildMatch, flowMod, matchEntry, subfield } from './build';
import { encodeMessage } from './messages/codec';
import { parseFlow } from './text/flow-parse';
import { formatFlow } from './text/flow-format';

describe('openflow builders', () => {
  it('build the same FLOW_MOD bytes as the text parser (and so as ovs-ofctl)', () => {
    const text = parseFlow('table=8,priority=50,reg14=0x1,metadata=0x1,ip,nw_src=10.0.0.0/8 actions=load:0x1->NXM_NX_REG15[],resubmit(,37)');
    assert.ok(text.ok);
    const built = flowMod({
      tableId: 8, priority: 50,
      match: buildMatch({ reg14: 1n, metadata: 1n, eth_type: 0x800n, ip_src: [0x0a000000n, 0xff000000n] }),
      instructions: [{
        type: 'apply_actions',
        actions: [
          { type: 'set_field', entry: matchEntry('reg15', 1n) },
          { type: 'resubmit', variant: 'table', inPort: 0xfff8, table: 37 },
        ],
      }],
    });
    assert.equal(toHex(encodeMessage(built)), toHex(encodeMessage(text.flowMod)));
    assert.equal(formatFlow(built), 'priority=50,ip,reg14=0x1,metadata=0x1,nw_src=10.0.0.0/8 actions=set_field:0x1->reg15,resubmit(,37)');
  });

  it('folds xreg/xxreg into 32-bit registers and names subfields', () => {
    assert.equal(formatFlow(flowMod({ match: buildMatch({ xxreg0: [1n << 96n, 0xffffffffn << 96n], xreg3: 5n }) })),
      'reg0=0x1,reg6=0,reg7=0x5 actions=drop');
    const sf = subfield('NXM_NX_REG13', 0, 16);
    assert.equal(sf.field.name, 'reg13');
    assert.equal(sf.nBits, 16);
    assert.throws(() => subfield('reg0', 30, 4), /outside the field/);
    assert.throws(() => matchEntry('nonsense', 1n), /unknown field/);
  });
});
