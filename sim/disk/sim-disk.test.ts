import { strict as assert } from 'node:assert';
import { SimDisk } from './sim-disk';
import { SeededRandom } from '../../core/runtime/seeded-random';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe('SimDisk', () => {
  const random = new SeededRandom('disk');

  it('keeps synced writes and loses unsynced ones on crash', () => {
    const d = new SimDisk('h');
    d.append('/db/log', enc('rec1;'));
    d.fsync('/db/log');
    d.append('/db/log', enc('rec2;'));
    d.write('/tmp/never-synced', enc('x'));
    assert.equal(dec(d.read('/db/log')), 'rec1;rec2;');
    d.crash(random, false);
    assert.equal(dec(d.read('/db/log')), 'rec1;');
    assert.equal(d.exists('/tmp/never-synced'), false);
  });

  it('a torn write leaves a partial last record after the earlier unsynced ones', () => {
    for (let i = 0; i < 50; i++) {
      const d = new SimDisk('h');
      d.append('log', enc('AAAA'));
      d.fsync('log');
      d.append('log', enc('BBBB'));
      d.append('log', enc('CCCCCCCC'));
      d.crash(new SeededRandom(`tear-${i}`), true);
      const text = dec(d.read('log'))!;
      assert.match(text, /^AAAABBBBC{1,7}$/, text);
    }
  });

  it('restores the durable content when an overwrite was not synced', () => {
    const d = new SimDisk('h');
    d.write('f', enc('old'));
    d.fsync('f');
    d.write('f', enc('new-content'));
    d.truncate('f', 3);
    assert.equal(dec(d.read('f')), 'new');
    d.crash(random, true);
    assert.equal(dec(d.read('f')), 'old');
  });

  it('renames atomically and durably', () => {
    const d = new SimDisk('h');
    d.write('db', enc('v1'));
    d.fsync('db');
    d.write('db.tmp', enc('v2'));
    d.fsync('db.tmp');
    d.rename('db.tmp', 'db');
    d.crash(random, false);
    assert.equal(dec(d.read('db')), 'v2');
    assert.equal(d.exists('db.tmp'), false);
    assert.throws(() => d.rename('missing', 'x'), /ENOENT|does not exist/);
  });

  it('corrupts one sector in what is read and what survives', () => {
    const d = new SimDisk('h');
    const data = new Uint8Array(2048).fill(7);
    d.write('f', data);
    d.fsync('f');
    d.corruptSector('f', 1, random);
    const after = d.read('f')!;
    assert.ok(after.subarray(0, 512).every((b) => b === 7));
    assert.ok(after.subarray(512, 1024).every((b) => b !== 7));
    assert.ok(after.subarray(1024).every((b) => b === 7));
    d.crash(random, false);
    assert.deepEqual(d.read('f'), after);
  });

  it('lists a directory sorted and errors clearly on missing files', () => {
    const d = new SimDisk('h');
    d.write('/a/z', enc(''));
    d.write('/a/b', enc(''));
    d.write('/a/sub/c', enc(''));
    assert.deepEqual(d.list('/a'), ['b', 'z']);
    assert.throws(() => d.fsync('/nope'), /no such file/);
  });
});
