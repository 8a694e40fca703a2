// The Storage contract (core/runtime/storage.ts), one suite for every implementation: the Node adapter's
// files and the simulator's disk. Crash behaviour is the simulator's own business (it needs a crash
// switch this interface does not have); this suite checks what a single running host sees.

import { StorageError, type Storage } from '../storage';
import type { StorageContractEnv } from './contract-env';
import { check, checkBytes, checkEqual, checkThrows, concatBytes, patternBytes, textBytes } from './contract-checks';

function checkStorageError(error: unknown, code: StorageError['code'], path: string, what: string): void {
  check(error instanceof StorageError, () => `${what}: expected a StorageError, got ${String(error)}`);
  checkEqual(error.code, code, `${what}: error code`);
  check(error.message.includes(path), () => `${what}: message "${error.message}" does not name "${path}"`);
}

export function describeStorageContract(
  label: string,
  makeEnv: () => StorageContractEnv | Promise<StorageContractEnv>,
): void {
  function contractIt(name: string, body: (storage: Storage) => void | Promise<void>): void {
    it(name, async () => {
      const env = await makeEnv();
      try {
        await body(env.storage);
      } finally {
        await env.dispose();
      }
    });
  }

  describe(`Storage contract: ${label}`, () => {
    contractIt('reads back what was written; missing files read as null', (s) => {
      checkEqual(s.read('db/a.db'), null, 'read of a missing file');
      checkEqual(s.exists('db/a.db'), false, 'exists of a missing file');
      checkEqual(s.size('db/a.db'), null, 'size of a missing file');
      const content = textBytes('{"name":"OVN_Northbound"}\n');
      s.write('db/a.db', content);
      checkBytes(s.read('db/a.db'), content, 'read after write');
      checkEqual(s.exists('db/a.db'), true, 'exists after write');
      checkEqual(s.size('db/a.db'), content.length, 'size after write');
    });

    contractIt('write replaces the whole content, and an empty write leaves an empty file', (s) => {
      s.write('f', patternBytes(1000, 1));
      s.write('f', textBytes('short'));
      checkBytes(s.read('f'), textBytes('short'), 'read after a shorter write');
      s.write('f', new Uint8Array(0));
      checkEqual(s.exists('f'), true, 'exists after an empty write');
      checkEqual(s.size('f'), 0, 'size after an empty write');
      checkBytes(s.read('f'), new Uint8Array(0), 'read after an empty write');
    });

    contractIt('append creates a missing file and adds to the end', (s) => {
      s.append('log/x', new Uint8Array(0));
      checkEqual(s.size('log/x'), 0, 'size after appending nothing to a missing file');
      const parts = [textBytes('one\n'), textBytes('two\n'), patternBytes(300, 2)];
      for (const p of parts) s.append('log/x', p);
      checkBytes(s.read('log/x'), concatBytes(parts), 'read after appends');
      checkEqual(s.size('log/x'), concatBytes(parts).length, 'size after appends');
    });

    contractIt('keeps its own copies: arrays given to write or taken from read are not shared', (s) => {
      const given = textBytes('original');
      s.write('c', given);
      given.fill(0x21);
      checkBytes(s.read('c'), textBytes('original'), 'content after the caller changed the written array');
      const taken = s.read('c')!;
      taken.fill(0x22);
      checkBytes(s.read('c'), textBytes('original'), 'content after the caller changed a read array');
      s.append('c', textBytes('+more'));
      checkBytes(taken, new Uint8Array(8).fill(0x22), 'an earlier read after a later append');
    });

    contractIt('truncate cuts a file; truncating a missing file is ENOENT', (s) => {
      s.write('t', textBytes('0123456789'));
      s.truncate('t', 4);
      checkBytes(s.read('t'), textBytes('0123'), 'read after truncate');
      checkEqual(s.size('t'), 4, 'size after truncate');
      s.append('t', textBytes('X'));
      checkBytes(s.read('t'), textBytes('0123X'), 'append after truncate writes at the new end');
      s.truncate('t', 0);
      checkEqual(s.size('t'), 0, 'size after truncate to 0');
      checkStorageError(checkThrows(() => s.truncate('nope/t', 0), 'truncate missing'), 'ENOENT', 'nope/t', 'truncate missing');
    });

    contractIt('fsync succeeds on a file and is ENOENT for a missing one', (s) => {
      s.append('d/f', textBytes('durable'));
      s.fsync('d/f');
      checkBytes(s.read('d/f'), textBytes('durable'), 'read after fsync');
      checkStorageError(checkThrows(() => s.fsync('d/missing'), 'fsync missing'), 'ENOENT', 'd/missing', 'fsync missing');
    });

    contractIt('rename replaces the target atomically and removes the source', (s) => {
      s.write('db/nb.db', textBytes('old content, longer than the new one'));
      s.write('db/nb.db.tmp', textBytes('new'));
      s.fsync('db/nb.db.tmp');
      s.rename('db/nb.db.tmp', 'db/nb.db');
      checkBytes(s.read('db/nb.db'), textBytes('new'), 'target after rename');
      checkEqual(s.exists('db/nb.db.tmp'), false, 'source exists after rename');
      checkEqual(s.read('db/nb.db.tmp'), null, 'source read after rename');
      s.rename('db/nb.db', 'other/place.db');
      checkBytes(s.read('other/place.db'), textBytes('new'), 'rename into another directory');
      checkStorageError(
        checkThrows(() => s.rename('db/missing', 'db/x'), 'rename missing'),
        'ENOENT',
        'db/missing',
        'rename of a missing source',
      );
      checkEqual(s.exists('db/x'), false, 'target of a failed rename');
    });

    contractIt('remove deletes a file; removing a missing file is not an error', (s) => {
      s.write('r/a', textBytes('a'));
      s.remove('r/a');
      checkEqual(s.exists('r/a'), false, 'exists after remove');
      checkEqual(s.read('r/a'), null, 'read after remove');
      s.remove('r/a');
      s.remove('never/was');
    });

    contractIt('list gives the sorted names of the files directly inside a directory', (s) => {
      for (const name of ['b.db', 'a.db', 'c.log', 'A-upper']) s.write(`dir/${name}`, textBytes(name));
      s.write('dir/sub/deep', textBytes('deep'));
      s.write('dirx/other', textBytes('other'));
      checkEqual(s.list('dir'), ['A-upper', 'a.db', 'b.db', 'c.log'], 'list(dir)');
      checkEqual(s.list('dir/sub'), ['deep'], 'list(dir/sub)');
      checkEqual(s.list('missing'), [], 'list of a missing directory');
      s.remove('dir/b.db');
      checkEqual(s.list('dir'), ['A-upper', 'a.db', 'c.log'], 'list after remove');
    });

    contractIt('large appends: many small ones and one of several megabytes', (s) => {
      const chunk = 4096;
      const count = 1000;
      for (let i = 0; i < count; i++) s.append('big', patternBytes(chunk, i));
      const huge = patternBytes(4 * 1024 * 1024, 99);
      s.append('big', huge);
      s.fsync('big');
      checkEqual(s.size('big'), chunk * count + huge.length, 'size after large appends');
      const all = s.read('big')!;
      checkBytes(all.subarray(0, chunk), patternBytes(chunk, 0), 'first chunk');
      checkBytes(all.subarray(chunk * 517, chunk * 518), patternBytes(chunk, 517), 'chunk 517');
      checkBytes(all.subarray(chunk * count), huge, 'the large append');
    });
  });
}
