// Database files between ours and upstream: files written by ovsdb-server/ovsdb-tool parse and replay in
// ours to the content ovsdb-client dumps; files written by ours are read by ovsdb-tool and ovsdb-server.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { makeTempDir, run, startUpstreamServer } from '../jsonrpc/upstream-server.test';
import { JsonStreamReader } from '../../json/stream-reader';
import { getMember, isJsonObject, type JsonObject, type JsonValue } from '../../json/value';
import { formatJson } from '../../json/format';
import { DatabaseLog } from './database-log';
import { MemoryStorage } from './memory-storage';
import { LogError, scanLog } from './record-codec';
import { applyTransaction, diffRow, replayRecords, schemaShapes, snapshotRecordChanges, type DatabaseContent } from './replay';
import { buildTransactionRecord, parseTransactionRecord } from './transaction-record';

const schema = {
  name: 'Net',
  version: '1.2.3',
  tables: {
    Port: {
      columns: {
        name: { type: 'string' },
        tag: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4095 }, min: 0, max: 1 } },
        weight: { type: 'real' },
        up: { type: 'boolean' },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        addresses: { type: { key: 'string', min: 0, max: 'unlimited' } },
        peers: { type: { key: { type: 'uuid', refTable: 'Port', refType: 'weak' }, min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    Meta: { columns: { counter: { type: 'integer' }, note: { type: 'string' } }, isRoot: true },
  },
};

type Columns = Record<string, { type: JsonValue }>;

function defaultAtom(atomType: JsonValue): JsonValue {
  const name = typeof atomType === 'string' ? atomType : (getMember(atomType as JsonObject, 'type') as string);
  return { integer: 0, real: 0, boolean: false, string: '', uuid: ['uuid', '00000000-0000-0000-0000-000000000000'] as JsonValue }[name]!;
}

/** A canonical text of a datum given its column type, treating absent as the default. */
function canonicalDatum(type: JsonValue, datum: JsonValue | undefined): string {
  if (typeof type === 'string' || (isJsonObject(type) && getMember(type, 'value') === undefined && (getMember(type, 'min') ?? 1) === 1 && (getMember(type, 'max') ?? 1) === 1)) {
    const key = typeof type === 'string' ? type : getMember(type as JsonObject, 'key')!;
    return formatJson(datum ?? defaultAtom(key));
  }
  const isMap = getMember(type as JsonObject, 'value') !== undefined;
  let elements: JsonValue[] = [];
  if (datum !== undefined) {
    if (Array.isArray(datum) && (datum[0] === 'set' || datum[0] === 'map') && Array.isArray(datum[1])) elements = datum[1];
    else elements = [datum];
  }
  return `${isMap ? 'map' : 'set'}:` + elements.map((e) => formatJson(e)).sort().join('|');
}

/** table -> uuid -> column -> canonical datum, from our replayed content. */
function canonicalContent(content: DatabaseContent): Record<string, Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, Record<string, string>>> = {};
  for (const [table, columns] of Object.entries(schema.tables) as Array<[string, { columns: Columns }]>) {
    out[table] = {};
    for (const [uuid, row] of content.get(table) ?? new Map()) {
      const canon: Record<string, string> = {};
      for (const [column, { type }] of Object.entries(columns.columns)) canon[column] = canonicalDatum(type, getMember(row, column));
      out[table]![uuid] = canon;
    }
  }
  return out;
}

/** The same shape from `ovsdb-client -f json dump` output (one JSON object per table). */
function canonicalDump(dumpText: string): Record<string, Record<string, Record<string, string>>> {
  const batch = new JsonStreamReader().push(new TextEncoder().encode(dumpText));
  assert.equal(batch.error, null);
  const out: Record<string, Record<string, Record<string, string>>> = {};
  for (const table of batch.values as Array<{ caption: string; data: JsonValue[][]; headings: string[] }>) {
    const name = table.caption.replace(/ table$/, '');
    const columns = (schema.tables as Record<string, { columns: Columns }>)[name]!.columns;
    out[name] = {};
    for (const row of table.data) {
      const canon: Record<string, string> = {};
      let uuid = '';
      table.headings.forEach((heading, i) => {
        if (heading === '_uuid') uuid = (row[i] as [string, string])[1];
        else if (heading !== '_version') canon[heading] = canonicalDatum(columns[heading]!.type, row[i]!);
      });
      out[name]![uuid] = canon;
    }
  }
  return out;
}

function readWithOurs(file: string): { content: DatabaseContent; warnings: string[]; storage: MemoryStorage } {
  const storage = new MemoryStorage();
  storage.write('db', new Uint8Array(fs.readFileSync(file)));
  const opened = DatabaseLog.open(storage, 'db');
  return { content: replayRecords(opened.schema, opened.transactions, file), warnings: opened.warnings, storage };
}

function transact(socket: string, ...ops: JsonValue[]): JsonValue {
  const out = run('ovsdb-client', ['transact', `unix:${socket}`, JSON.stringify(['Net', ...ops])]);
  const reply = JSON.parse(out) as JsonValue[];
  for (const r of reply) assert.ok(!(isJsonObject(r) && getMember(r, 'error')), `transaction failed: ${out}`);
  return reply;
}

describe('database files against upstream ovsdb-tool / ovsdb-server', function () {
  this.timeout(30000);
  let dir: string;

  before(function () {
    upstreamOrSkip(this, 'ovsdb-server', 'ovsdb-tool', 'ovsdb-client', 'ovs-appctl');
    dir = makeTempDir('log');
    fs.writeFileSync(path.join(dir, 'net.ovsschema'), JSON.stringify(schema));
  });

  after(function () {
    if (dir && !process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('replays a file written by a real ovsdb-server (with online compaction) to the content it dumps', async function () {
    const db = path.join(dir, 'upstream.db');
    run('ovsdb-tool', ['create', db, path.join(dir, 'net.ovsschema')]);
    const server = await startUpstreamServer(dir, db);
    let dump: string;
    try {
      const s = server.socket;
      transact(s, { op: 'insert', table: 'Port', 'uuid-name': 'p1', row: { name: 'p1', tag: 7, weight: 0.1, up: true, external_ids: ['map', [['a', '1 \u00e9\u{1f600}"\\'], ['b', '2']]], addresses: ['set', ['10.0.0.1', '10.0.0.2']] } },
        { op: 'insert', table: 'Port', row: { name: 'p2', peers: ['named-uuid', 'p1'], weight: 1e300 } },
        { op: 'insert', table: 'Meta', row: { counter: 1, note: 'first' } }, { op: 'comment', comment: 'setup' });
      // Compact online (in the background in OVS 3.x), and wait until it is done so later records stay diffs.
      run('ovs-appctl', ['-t', path.join(dir, 'ctl'), 'ovsdb-server/compact']);
      for (let i = 0; i < 100 && !fs.readFileSync(db, 'utf8').includes('compacting database online'); i++) await new Promise((r) => setTimeout(r, 20));
      transact(s, { op: 'update', table: 'Port', where: [['name', '==', 'p2']], row: { tag: ['set', []], up: true, weight: 2.5 } });
      transact(s, { op: 'mutate', table: 'Port', where: [['name', '==', 'p1']], mutations: [['addresses', 'insert', ['set', ['10.0.0.3']]], ['addresses', 'delete', '10.0.0.1'], ['external_ids', 'delete', ['set', ['a']]], ['external_ids', 'insert', ['map', [['c', '3']]]]] });
      transact(s, { op: 'update', table: 'Port', where: [['name', '==', 'p1']], row: { external_ids: ['map', [['b', 'two'], ['d', '4']]], tag: 9 } });
      transact(s, { op: 'mutate', table: 'Meta', where: [], mutations: [['counter', '+=', 41]] });
      transact(s, { op: 'update', table: 'Port', where: [['name', '==', 'p2']], row: { peers: ['set', []], addresses: ['set', ['x', 'y']], tag: 1 } });
      transact(s, { op: 'insert', table: 'Port', row: { name: 'gone' } });
      transact(s, { op: 'delete', table: 'Port', where: [['name', '==', 'gone']] });
      dump = run('ovsdb-client', ['-f', 'json', 'dump', `unix:${s}`, 'Net']);
    } finally {
      await server.stop();
    }
    const text = fs.readFileSync(db, 'utf8');
    assert.ok(text.includes('"_comment":"compacting database online"'), 'the file went through online compaction');
    const ours = readWithOurs(db);
    assert.deepEqual(ours.warnings, []);
    assert.deepEqual(canonicalContent(ours.content), canonicalDump(dump));
    assert.equal(ours.content.get('Port')!.size, 2);
    const p1 = [...ours.content.get('Port')!.values()].find((r) => r['name'] === 'p1')!;
    assert.equal(canonicalDatum(schema.tables.Port.columns.addresses.type, p1['addresses']), 'set:"10.0.0.2"|"10.0.0.3"', 'the mutations took effect');

    // Every update upstream wrote as a diff is what diffRow computes from the states before and after.
    const storage = new MemoryStorage();
    storage.write('db', new Uint8Array(fs.readFileSync(db)));
    const opened = DatabaseLog.open(storage, 'db');
    const shapes = schemaShapes(opened.schema);
    const content: DatabaseContent = new Map([['Port', new Map()], ['Meta', new Map()]]);
    const fill = (table: string, row: JsonObject): JsonObject => {
      const full: JsonObject = {};
      for (const [column, { type }] of Object.entries((schema.tables as Record<string, { columns: Columns }>)[table]!.columns)) {
        const scalarType = typeof type === 'string' ? type : getMember(type as JsonObject, 'key')!;
        const isOptional = isJsonObject(type) && getMember(type, 'min') === 0 && (getMember(type, 'max') ?? 1) === 1;
        const shape = shapes.get(table)!.get(column)!;
        full[column] = getMember(row, column) ?? (isOptional ? ['set', []] : shape === 'scalar' ? defaultAtom(scalarType) : [shape, []]);
      }
      return full;
    };
    let diffs = 0;
    for (const record of opened.transactions) {
      const parsed = parseTransactionRecord(record.json);
      const before = new Map([...content].map(([t, rows]) => [t, new Map(rows)]));
      applyTransaction(content, parsed, shapes);
      if (!parsed.isDiff) continue;
      for (const [table, rows] of Object.entries(parsed.changes)) {
        const columns = (schema.tables as Record<string, { columns: Columns }>)[table]!.columns;
        for (const [uuid, written] of Object.entries(rows)) {
          const old = before.get(table)!.get(uuid);
          if (written === null || !old) continue;
          const computed = diffRow(fill(table, old), fill(table, content.get(table)!.get(uuid)!), shapes.get(table)!);
          const canon = (row: JsonObject) => Object.fromEntries(Object.keys(row).sort().map((c) => [c, canonicalDatum(columns[c]!.type, row[c])]));
          assert.deepEqual(canon(computed), canon(written), `record at byte ${record.offset}, ${table} ${uuid}`);
          diffs++;
        }
      }
    }
    assert.equal(diffs, 5, 'two updates of p2, the mutate and update of p1 and the mutate of Meta were written as diffs');
  });

  it('writes files that ovsdb-tool show-log/query and a real ovsdb-server read, then reads what the server appended', async function () {
    const storage = new MemoryStorage();
    const log = DatabaseLog.create(storage, 'ours.db', schema);
    const [p1, p2, m1] = ['11111111-2222-4333-8444-555555555555', '21111111-2222-4333-8444-555555555555', '31111111-2222-4333-8444-555555555555'];
    const record = (isDiff: boolean, changes: Record<string, Record<string, JsonObject | null>>, comment?: string) =>
      buildTransactionRecord({ dateMs: 1795624745386, isDiff, changes, comment: comment ?? null });
    log.append(record(true, { Port: { [p1]: { name: 'one \u00e9"\n', tag: 5, weight: 0.25, external_ids: ['map', [['k', 'v']]], addresses: ['set', ['a', 'b']] }, [p2]: { name: 'two', peers: ['uuid', p1] } }, Meta: { [m1]: { counter: 3 } } }, 'ours'), { durable: true });
    log.append(record(true, { Port: { [p1]: { addresses: ['set', ['a', 'c']], external_ids: ['map', [['k', 'v2'], ['x', 'y']]], tag: 5 } } }), { durable: true });
    log.append(record(false, { Meta: { [m1]: { counter: 4, note: 'replaced' } } }), { durable: true });
    const opened = DatabaseLog.open(storage, 'ours.db');
    const content = replayRecords(opened.schema, opened.transactions, 'ours.db');
    const file = path.join(dir, 'ours.db');
    fs.writeFileSync(file, storage.read('ours.db')!);

    const showLog = run('ovsdb-tool', ['show-log', '-m', file]);
    assert.match(showLog, /record 0: "Net" schema, version="1.2.3"/);
    assert.match(showLog, /record 1: 2026-11-14 [0-9:.]+ "ours"\n  table Meta insert row .*\n  table Port insert row "one \\u00e9\\"\\n" \(11111111\):|record 1: .* "ours"/);
    assert.match(showLog, /table Port row "one .* \(11111111\) diff:/);
    assert.match(showLog, /record 3: /);
    assert.equal(run('ovsdb-tool', ['db-name', file]).trim(), 'Net');
    const queried = JSON.parse(run('ovsdb-tool', ['query', file, JSON.stringify(['Net', { op: 'select', table: 'Port', where: [] }, { op: 'select', table: 'Meta', where: [] }])])) as Array<{ rows: JsonObject[] }>;
    const expected = canonicalContent(content);
    assert.equal(queried[0]!.rows.length, 2);
    for (const row of queried[0]!.rows) {
      const uuid = (row['_uuid'] as [string, string])[1];
      for (const [column, { type }] of Object.entries(schema.tables.Port.columns) as Array<[string, { type: JsonValue }]>) {
        assert.equal(canonicalDatum(type, row[column]), expected['Port']![uuid]![column], `Port ${uuid} ${column}`);
      }
    }
    assert.equal(queried[1]!.rows[0]!['note'], 'replaced');
    assert.equal(queried[1]!.rows[0]!['counter'], 4);

    // Compact ours, then let a real server open it, dump, and append a transaction of its own.
    log.compact(schema, buildTransactionRecord({ dateMs: 1795624745390, isDiff: false, comment: 'compacting database online', changes: snapshotRecordChanges(content) }));
    fs.writeFileSync(file, storage.read('ours.db')!);
    assert.equal(scanLog(new Uint8Array(fs.readFileSync(file)), file).records.length, 2);
    const server = await startUpstreamServer(dir, file);
    let dump: string;
    try {
      dump = run('ovsdb-client', ['-f', 'json', 'dump', `unix:${server.socket}`, 'Net']);
      assert.deepEqual(canonicalDump(dump), expected);
      transact(server.socket, { op: 'mutate', table: 'Port', where: [['name', '==', 'two']], mutations: [['addresses', 'insert', ['set', ['z']]]] });
      dump = run('ovsdb-client', ['-f', 'json', 'dump', `unix:${server.socket}`, 'Net']);
    } finally {
      await server.stop();
    }
    const after = readWithOurs(file);
    assert.deepEqual(canonicalContent(after.content), canonicalDump(dump));
    assert.equal(canonicalContent(after.content)['Port']![p2]!['addresses'], 'set:"z"');
  });

  it('truncates a torn tail of an upstream file so upstream reads the result, and refuses mid-file corruption', function () {
    const db = path.join(dir, 'upstream.db'); // from the first test
    const whole = fs.readFileSync(db);
    const records = scanLog(new Uint8Array(whole), db).records;
    const last = records[records.length - 1]!;
    const torn = path.join(dir, 'torn.db');
    fs.writeFileSync(torn, whole.subarray(0, whole.length - 10));
    const ours = readWithOurs(torn);
    assert.equal(ours.warnings.length, 1);
    assert.match(ours.warnings[0]!, new RegExp(`truncating ${last.size - 10} bytes of torn record at byte ${last.offset}`));
    fs.writeFileSync(torn, ours.storage.read('db')!);
    const queried = JSON.parse(run('ovsdb-tool', ['query', torn, JSON.stringify(['Net', { op: 'select', table: 'Port', where: [['name', '==', 'gone']] }])])) as Array<{ rows: JsonValue[] }>;
    assert.equal(queried[0]!.rows.length, 1, 'the delete of "gone" was the torn record');

    const corrupt = new Uint8Array(whole);
    const victim = records[2]!;
    corrupt[victim.offset + victim.size - 3] ^= 0x01;
    fs.writeFileSync(torn, corrupt);
    assert.throws(() => readWithOurs(torn), (e: unknown) => e instanceof LogError && e.offset === victim.offset && /fails its SHA-1 check/.test(e.message));
  });

  it('recognizes a clustered file made by ovsdb-tool create-cluster and rejects it clearly', function () {
    const file = path.join(dir, 'clustered.db');
    run('ovsdb-tool', ['create-cluster', file, path.join(dir, 'net.ovsschema'), `unix:${path.join(dir, 'raft.sock')}`]);
    assert.throws(() => readWithOurs(file), (e: unknown) => e instanceof LogError && e.offset === 0 && /clustered database file \("OVSDB CLUSTER"\); only standalone databases are supported/.test(e.message));
  });
});
