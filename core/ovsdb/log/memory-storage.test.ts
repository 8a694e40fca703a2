import { strict as assert } from 'node:assert';
import { MemoryStorage } from './memory-storage';
import { StorageError } from '../../runtime/storage';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe('MemoryStorage (test helper)', () => {
  it('keeps only fsynced content across a crash; rename moves durability with the file', () => {
    const s = new MemoryStorage();
    s.write('d/a', bytes('one'));
    s.fsync('d/a');
    s.append('d/a', bytes('+two'));
    s.write('d/b', bytes('never synced'));
    s.write('d/c.tmp', bytes('new'));
    s.fsync('d/c.tmp');
    s.rename('d/c.tmp', 'd/c');
    assert.deepEqual(s.list('d'), ['a', 'b', 'c']);
    assert.equal(text(s.read('d/a')), 'one+two');
    s.crash();
    assert.equal(text(s.read('d/a')), 'one');
    assert.equal(s.exists('d/b'), false);
    assert.equal(text(s.read('d/c')), 'new');
    assert.deepEqual(s.list('d/'), ['a', 'c']);
  });

  it('truncates, corrupts and injects failures on request', () => {
    const s = new MemoryStorage();
    s.write('f', bytes('abcdef'));
    s.truncate('f', 3);
    assert.equal(text(s.read('f')), 'abc');
    s.corrupt('f', 1, bytes('X'));
    assert.equal(text(s.read('f')), 'aXc');
    s.failNext('append', 2);
    assert.throws(() => s.append('f', bytes('1234')), (e: unknown) => e instanceof StorageError && e.code === 'EIO');
    assert.equal(text(s.read('f')), 'aXc12');
    s.append('f', bytes('!'));
    assert.equal(text(s.read('f')), 'aXc12!');
    assert.throws(() => s.fsync('missing'), (e: unknown) => e instanceof StorageError && e.code === 'ENOENT');
    assert.throws(() => s.rename('missing', 'x'), /ENOENT|no such file/);
  });
});
