import { strict as assert } from 'node:assert';
import { matchEntry } from './build';
import { oxmInternEntriesMax, OxmInterner } from './oxm-intern';

describe('OxmInterner', () => {
  it('hands out one object per field, code, value and mask', () => {
    const t = new OxmInterner();
    const a = t.intern(matchEntry('reg15', 2n));
    assert.equal(t.intern(matchEntry('reg15', 2n)), a);
    assert.notEqual(t.intern(matchEntry('reg15', 3n)), a, 'another value');
    assert.notEqual(t.intern(matchEntry('reg14', 2n)), a, 'another field');
    assert.notEqual(t.intern(matchEntry('reg15', 2n, 0xffn)), a, 'masked');
    assert.equal(t.intern(matchEntry('NXM_NX_REG15', 2n)), a, 'the same field and code by another name');
    assert.equal(t.size, 4);
    // A value whose bytes read like the key's separators is still its own entry.
    const odd = t.intern(matchEntry('reg15', 0x7c2d31n));
    assert.notEqual(odd, t.intern(matchEntry('reg15', 0x7c2d31n, 0xffffffn)));
    assert.equal(t.intern(matchEntry('reg15', 0x7c2d31n)), odd);
  });

  it('stops keeping entries at its bound but still answers', () => {
    assert.ok(oxmInternEntriesMax >= 100_000, 'room for a large deployment');
    const t = new OxmInterner();
    const e = matchEntry('metadata', 7n);
    assert.equal(t.intern(e), e);
  });
});
