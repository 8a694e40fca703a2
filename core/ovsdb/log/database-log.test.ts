import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { DatabaseLog } from './database-log';
import { encodeRecord, LogError, scanLog } from './record-codec';
import { buildTransactionRecord } from './transaction-record';
import { MemoryStorage } from './memory-storage';
import type { JsonValue } from '../../json/value';

const schema = { name: 'T', version: '1.0.0', tables: { A: { columns: { name: { type: 'string' } } } } };
const u1 = '5f78052c-58e7-475b-a973-dfa578b5ae71';
const u2 = 'f6540d23-2d79-45f9-85f4-f723d3bc60d3';
const dec = new TextDecoder();

function txn(i: number): JsonValue {
  return buildTransactionRecord({ dateMs: 1700000000000 + i, comment: `t${i}`, isDiff: true, changes: { A: { [i % 2 ? u1 : u2]: { name: `n${i} \u00e9` } } } });
}

function makeLog(count: number): { storage: MemoryStorage; log: DatabaseLog } {
  const storage = new MemoryStorage();
  const log = DatabaseLog.create(storage, 'db/T.db', schema);
  for (let i = 0; i < count; i++) log.append(txn(i), { durable: true });
  return { storage, log };
}

describe('OVSDB database log records', () => {
  it('encodes records exactly like upstream (length and SHA-1 cover the JSON and its newline)', () => {
    const bytes = encodeRecord({ _date: 1795624745402, A: { [u1]: null }, _is_diff: true });
    // This record was written by ovsdb-server 3.1 (member order aside, byte-identical framing).
    const text = dec.decode(bytes);
    const body = '{"_date":1795624745402,"A":{"5f78052c-58e7-475b-a973-dfa578b5ae71":null},"_is_diff":true}\n';
    assert.equal(text, `OVSDB JSON 90 127ef4ebe414549a4ace95e15d6696d1e1377742\n${body}`);
    assert.equal(createHash('sha1').update(body).digest('hex'), '127ef4ebe414549a4ace95e15d6696d1e1377742');
  });

  it('creates atomically, appends, and reopens to the same records', () => {
    const { storage, log } = makeLog(5);
    assert.deepEqual(storage.operations.slice(0, 3), ['write db/T.db.tmp 140', 'fsync db/T.db.tmp', 'rename db/T.db.tmp db/T.db']);
    const opened = DatabaseLog.open(storage, 'db/T.db');
    assert.deepEqual(opened.schema, schema);
    assert.deepEqual(opened.transactions.map((r) => r.json), [0, 1, 2, 3, 4].map(txn));
    assert.deepEqual(opened.warnings, []);
    assert.equal(opened.log.size, log.size);
    assert.equal(storage.size('db/T.db'), log.size);
    assert.throws(() => DatabaseLog.create(storage, 'db/T.db', schema), /file exists/);
  });

  it('keeps only fsynced records across a crash', () => {
    const { storage, log } = makeLog(2);
    log.append(txn(2), { durable: false });
    assert.equal(log.pendingBytes > 0, true);
    storage.crash();
    assert.equal(DatabaseLog.open(storage, 'db/T.db').transactions.length, 2);
    const again = DatabaseLog.open(storage, 'db/T.db').log;
    again.append(txn(3), { durable: false });
    again.commit();
    storage.crash();
    assert.equal(DatabaseLog.open(storage, 'db/T.db').transactions.length, 3);
  });

  it('truncates a torn last record at any cut point, warns with its offset, and keeps working', () => {
    const { storage } = makeLog(3);
    const whole = storage.read('db/T.db')!;
    const lastOffset = scanLog(whole, 'x').records[3]!.offset;
    for (let cut = lastOffset + 1; cut < whole.length; cut++) {
      storage.write('db/T.db', whole.subarray(0, cut));
      const opened = DatabaseLog.open(storage, 'db/T.db');
      assert.equal(opened.transactions.length, 2, `cut at ${cut}`);
      assert.equal(opened.warnings.length, 1);
      assert.match(opened.warnings[0]!, new RegExp(`truncating ${cut - lastOffset} bytes of torn record at byte ${lastOffset} \\(`));
      assert.equal(storage.size('db/T.db'), lastOffset);
      opened.log.append(txn(9), { durable: true });
      const reopened = DatabaseLog.open(storage, 'db/T.db');
      assert.deepEqual(reopened.warnings, []);
      assert.deepEqual(reopened.transactions.map((r) => r.json), [txn(0), txn(1), txn(9)]);
    }
  });

  it('treats a bad hash in the last record as torn but anywhere earlier as corruption naming the offset', () => {
    const { storage } = makeLog(3);
    const records = scanLog(storage.read('db/T.db')!, 'x').records;
    const last = records[3]!;
    const z = new TextEncoder().encode('Z');
    storage.corrupt('db/T.db', last.offset + last.size - 5, z);
    const opened = DatabaseLog.open(storage, 'db/T.db');
    assert.match(opened.warnings[0]!, /last record fails its SHA-1 check/);
    assert.equal(opened.transactions.length, 2);

    const second = makeLog(3).storage;
    const mid = scanLog(second.read('db/T.db')!, 'x').records[2]!;
    second.corrupt('db/T.db', mid.offset + mid.size - 5, z);
    assert.throws(() => DatabaseLog.open(second, 'db/T.db'), (e: unknown) => e instanceof LogError && e.offset === mid.offset && /fails its SHA-1 check/.test(e.message));
    const before = second.read('db/T.db')!;
    assert.equal(before.length, mid.offset + mid.size + records[3]!.size, 'nothing truncated on corruption');
  });

  it('rejects malformed headers, clustered files, empty files and non-schema first records clearly', () => {
    const storage = new MemoryStorage();
    const enc = new TextEncoder();
    const cases: Array<[Uint8Array, RegExp]> = [
      [enc.encode('OVSDB CLUSTER 3 da39a3ee5e6b4b0d3255bfef95601890afd80709\n{}\n'), /at byte 0: this is a clustered database file \("OVSDB CLUSTER"\); only standalone/],
      [new Uint8Array(0), /no complete schema record/],
      [enc.encode('OVSDB JS'), /no complete schema record: incomplete record header/],
      [encodeRecord([1, 2]), /first record is not a database schema/],
      [new Uint8Array([...encodeRecord(schema), ...enc.encode('garbage here\n'), ...encodeRecord({ _date: 1 })]), /at byte 140: malformed record header "garbage here"/],
      [new Uint8Array([...encodeRecord(schema), ...enc.encode('OVSDB JSON 3 ' + 'a'.repeat(40) + '\n{}\n'), ...encodeRecord({ _date: 1 })]), /at byte 140: record of 3 bytes fails its SHA-1 check/],
      [enc.encode('x'.repeat(200)), /no record header line within 128 bytes/],
    ];
    for (const [bytes, pattern] of cases) {
      storage.write('f', bytes);
      assert.throws(() => DatabaseLog.open(storage, 'f'), (e: unknown) => e instanceof LogError && pattern.test(e.message), String(pattern));
    }
    assert.throws(() => DatabaseLog.open(storage, 'missing'), /no such database file/);
  });

  it('reports bad JSON inside a record with its byte offset', () => {
    const enc = new TextEncoder();
    const body = enc.encode('{"_date":1,}\n');
    const header = enc.encode(`OVSDB JSON ${body.length} ${createHash('sha1').update(body).digest('hex')}\n`);
    const storage = new MemoryStorage();
    const head = encodeRecord(schema);
    storage.write('f', new Uint8Array([...head, ...header, ...body, ...encodeRecord({ _date: 2 })]));
    const bodyStart = head.length + header.length;
    assert.throws(() => DatabaseLog.open(storage, 'f'), (e: unknown) => e instanceof LogError && e.message.includes(`record body: byte ${bodyStart + 11}: syntax error`));
  });

  it('compacts with a temp file, fsync and rename; a crash leaves the old or the new file', () => {
    const { storage, log } = makeLog(4);
    const snapshot = buildTransactionRecord({ dateMs: 1, comment: 'compacting database online', isDiff: false, changes: { A: { [u1]: { name: 'n3' }, [u2]: { name: 'n2' } } } });
    storage.operations.length = 0;
    log.compact(schema, snapshot);
    assert.deepEqual(storage.operations.map((o) => o.split(' ')[0]), ['write', 'fsync', 'rename']);
    storage.crash();
    const opened = DatabaseLog.open(storage, 'db/T.db');
    assert.deepEqual(opened.transactions.map((r) => r.json), [snapshot]);
    assert.equal(opened.log.size, log.size);
    assert.equal(storage.exists('db/T.db.tmp'), false);
  });

  it('removes a short write, then refuses further writes (like upstream) until reopened', () => {
    const { storage, log } = makeLog(2);
    const sizeBefore = log.size;
    storage.failNext('append', 30);
    assert.throws(() => log.append(txn(2), { durable: true }), (e: unknown) => e instanceof LogError && /write failed: append db\/T.db: injected I\/O error/.test(e.message));
    assert.equal(storage.size('db/T.db'), sizeBefore, 'the partial record was cut off');
    assert.throws(() => log.append(txn(3), { durable: false }), /an earlier write failed/);
    assert.throws(() => log.commit(), /an earlier write failed/);
    const reopened = DatabaseLog.open(storage, 'db/T.db');
    assert.deepEqual(reopened.warnings, []);
    assert.equal(reopened.transactions.length, 2);
    reopened.log.append(txn(4), { durable: false });
    storage.failNext('fsync');
    assert.throws(() => reopened.log.commit(), /write failed: fsync/);
    assert.throws(() => reopened.log.append(txn(5), { durable: true }), /an earlier write failed/);
  });

  it('keeps the old file, still appendable, when compaction fails before its rename', () => {
    const { storage, log } = makeLog(2);
    const before = storage.read('db/T.db')!;
    storage.failNext('rename');
    assert.throws(() => log.compact(schema, buildTransactionRecord({ dateMs: 1, isDiff: false, changes: {} })), /injected I\/O error/);
    assert.deepEqual(storage.read('db/T.db'), before);
    log.append(txn(7), { durable: true });
    assert.deepEqual(DatabaseLog.open(storage, 'db/T.db').transactions.map((r) => r.json), [txn(0), txn(1), txn(7)]);
  });
});
