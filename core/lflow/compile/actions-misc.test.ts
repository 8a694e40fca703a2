// fwd_group, sample, set_queue and handle_bfd_msg encoding, expected text as upstream ovn-controller 23.03.
import * as assert from 'node:assert/strict';
import { LflowError } from '../errors';
import { encodeText } from './encode-kit.test';

describe('lflow compile: fwd_group, sample, set_queue, handle_bfd_msg', function () {
  it('makes fwd_group a select group over the child ports, resubmitting to the output table', function () {
    assert.equal(encodeText('fwd_group(childports="vm1","vm2");'),
      'group:{type=select,selection_method=dp_hash,bucket=load=0x4->NXM_NX_REG15[0..15],resubmit(,37),bucket=load=0x1->NXM_NX_REG15[0..15],resubmit(,37)}');
    assert.equal(encodeText('fwd_group(liveness="true", childports="vm1","vm2");', { pipeline: 'egress', ctx: { tunnelOfport: (p) => (p === 'vm1' ? 7 : 8) } }),
      'group:{type=select,selection_method=dp_hash,bucket=watch_port:7,load=0x4->NXM_NX_REG15[0..15],resubmit(,64),bucket=watch_port:8,load=0x1->NXM_NX_REG15[0..15],resubmit(,64)}');
  });

  it('drops fwd_group without child ports, with an unknown port, or with liveness and no tunnel', function () {
    assert.equal(encodeText('fwd_group(); next;'), 'resubmit(,14)');
    assert.equal(encodeText('fwd_group(childports="vm1","nope"); next;'), 'resubmit(,14)');
    assert.equal(encodeText('fwd_group(liveness=true, childports="vm1"); next;'), 'resubmit(,14)');
    assert.throws(() => encodeText('fwd_group(childports=vm1);'), (e: unknown) => e instanceof LflowError && /expecting logical switch port/.test(e.message) && e.pos === 21);
  });

  it('samples only to a configured collector set, with the datapath in the domain id', function () {
    const opts = { ctx: { collectorSetIds: new Set([5]) }, datapathKey: 3, uuid: 'a1b2c3d4-0000-0000-0000-000000000000' };
    assert.equal(encodeText('sample(probability=100, collector_set=5, obs_domain=2, obs_point=$cookie);', opts),
      'sample(probability=100,collector_set_id=5,obs_domain_id=33554435,obs_point_id=2712847316)');
    assert.equal(encodeText('sample(probability=1, collector_set=6, obs_point=1); next;', opts), 'resubmit(,14)');
    assert.throws(() => encodeText('sample(collector_set=5);', opts), /probability must be greater than zero/);
    assert.throws(() => encodeText('sample(probability=1, obs_domain=256);', opts), /obs_domain must be 8-bit long/);
  });

  it('encodes set_queue and handle_bfd_msg', function () {
    assert.equal(encodeText('set_queue(10); output;'), 'set_queue:10,resubmit(,37)');
    assert.throws(() => encodeText('set_queue(61441);'), /Queue ID 61441 for set_queue is not in valid range 0 to 61440/);
    assert.equal(encodeText('handle_bfd_msg();'), 'controller(userdata=00.00.00.17.00.00.00.00)');
  });
});
