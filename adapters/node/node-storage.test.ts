import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeStorageContract } from '../../core/runtime/contracts/storage.contract';
import { StorageError } from '../../core/runtime/storage';
import { makeNodeStorageEnv, makeTempDir } from './contract-envs';
import { NodeStorage } from './node-storage';

describeStorageContract('NodeStorage', makeNodeStorageEnv);

describe('NodeStorage (Node specifics)', () => {
  let dir: string;
  let storage: NodeStorage;
  beforeEach(() => {
    dir = makeTempDir('storage-node');
    storage = new NodeStorage(path.join(dir, 'root'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates its root and keeps files under it, with or without a leading "/"', () => {
    assert.ok(fs.statSync(path.join(dir, 'root')).isDirectory());
    storage.write('/etc/conf.db', new Uint8Array([1, 2, 3]));
    assert.deepEqual([...fs.readFileSync(path.join(dir, 'root', 'etc', 'conf.db'))], [1, 2, 3]);
    assert.deepEqual(storage.read('etc/conf.db'), new Uint8Array([1, 2, 3]));
    assert.deepEqual(storage.list('/etc'), ['conf.db']);
  });

  it('refuses paths that climb out of the root or name nothing', () => {
    for (const bad of ['../x', 'a/../../x', '', '/', './']) {
      assert.throws(() => storage.write(bad, new Uint8Array(1)), (e: unknown) => e instanceof StorageError && e.code === 'EINVAL');
    }
    assert.equal(fs.existsSync(path.join(dir, 'x')), false);
  });

  it('maps errors to StorageError codes with the path and operation in the message', () => {
    storage.write('plain', new Uint8Array(1));
    // A file used as a directory.
    assert.throws(
      () => storage.write('plain/child', new Uint8Array(1)),
      (e: unknown) => e instanceof StorageError && e.code === 'EINVAL' && /write "plain\/child"/.test(e.message),
    );
    // A directory used as a file.
    storage.write('d/f', new Uint8Array(1));
    assert.throws(
      () => storage.append('d', new Uint8Array(1)),
      (e: unknown) => e instanceof StorageError && e.code === 'EINVAL' && /append "d"/.test(e.message),
    );
    assert.throws(() => storage.read('d'), (e: unknown) => e instanceof StorageError && /read "d"/.test(e.message));
    assert.throws(
      () => storage.truncate('d/f', -1),
      (e: unknown) => e instanceof StorageError && e.code === 'EINVAL' && /bad length -1/.test(e.message),
    );
    assert.throws(
      () => storage.rename('d', 'e'),
      (e: unknown) => e instanceof StorageError && e.code === 'EINVAL' && /not a regular file/.test(e.message),
    );
    assert.equal(storage.exists('d'), false, 'a directory is not a file');
    assert.equal(storage.size('d'), null);
    assert.equal(storage.exists('plain/child'), false, 'below a file there is nothing');
  });

  it('reports EIO for other failures, naming the Node error (a symlink loop)', () => {
    fs.symlinkSync('loop', path.join(dir, 'root', 'loop'));
    assert.throws(
      () => storage.append('loop', new Uint8Array(1)),
      (e: unknown) => e instanceof StorageError && e.code === 'EIO' && /append "loop" failed: ELOOP/.test(e.message),
    );
  });

  it('lists regular files only, not subdirectories or sockets', () => {
    storage.write('x/a', new Uint8Array(1));
    storage.write('x/sub/b', new Uint8Array(1));
    fs.symlinkSync('a', path.join(dir, 'root', 'x', 'link'));
    assert.deepEqual(storage.list('x'), ['a']);
    assert.deepEqual(storage.list(''), []);
    assert.deepEqual(storage.list('x/a'), [], 'a file is not a directory');
  });

  it('truncate past the end extends with zeros, as ftruncate does', () => {
    storage.write('z', new Uint8Array([7]));
    storage.truncate('z', 4);
    assert.deepEqual(storage.read('z'), new Uint8Array([7, 0, 0, 0]));
  });

  it('read returns a plain Uint8Array owning its buffer', () => {
    storage.write('small', new Uint8Array([1, 2]));
    const bytes = storage.read('small')!;
    assert.equal(bytes.byteOffset, 0);
    assert.equal(bytes.buffer.byteLength, 2);
  });

  it('fsyncs every newly created directory up to the root, and copes with many unsynced files', () => {
    storage.write('a/b/c/file', new Uint8Array([1]));
    storage.fsync('a/b/c/file'); // walks a/b/c, a/b, a, all new
    storage.rename('a/b/c/file', 'p/q/file2');
    assert.deepEqual(storage.read('p/q/file2'), new Uint8Array([1]));
    // Past maxUnsyncedEntries the remembered entries are flushed; everything must keep working, even when
    // a remembered directory has vanished behind the storage's back.
    const bounded = new NodeStorage(path.join(dir, 'bounded'), { maxUnsyncedEntries: 5 });
    bounded.write('gone/x', new Uint8Array(0));
    fs.rmSync(path.join(dir, 'bounded', 'gone'), { recursive: true });
    for (let i = 0; i < 12; i++) bounded.write(`many/${i}`, new Uint8Array(0));
    assert.equal(bounded.list('many').length, 12);
    bounded.remove('many/5');
    bounded.fsync('many/11');
  });
});
