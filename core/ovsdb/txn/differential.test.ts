// Differential test: the same transaction sequences (including failing ones) on upstream ovsdb-server and
// on our engine; replies must be identical after numbering UUIDs by order of appearance.
import { strict as assert } from 'node:assert';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { UpstreamServer, comparableReply } from './upstream-harness.test';
import { testSchemaJson } from './test-schema.test';
import { differentialSequences } from './differential-cases.test';
import { parseDatabaseSchema } from '../schema/parse-schema';
import { serverSchema } from '../schema/server-schema';
import { schemaToJson } from '../schema/schema-json';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from './database';
import { transact } from './execute';
import { SeededRandom } from '../../runtime/seeded-random';
import fc from 'fast-check';
import { abstractOp, materialize } from './random-txns.test';
import { changeSetToLogRecord } from './log-record';
import { logRecordToChangeSet } from './log-replay';
import { auditDatabase } from './invariants';
import { type Json, jsonToString } from '../data/json';

/** Our reply as a client reads it: printed the way upstream prints JSON (reals as "%.15g"), parsed back. */
function onTheWire(result: Json): Json {
  return JSON.parse(jsonToString(result, false)) as Json;
}

describe('ovsdb transactions: differential against upstream ovsdb-server', function () {
  this.timeout(60_000);
  before(function () {
    upstreamOrSkip(this, 'ovsdb-server', 'ovsdb-tool');
  });

  differentialSequences.forEach((sequence, seqIndex) => {
    it(`sequence ${seqIndex + 1}: ${sequence.length} transactions give identical replies`, async () => {
      const server = await UpstreamServer.start(testSchemaJson);
      const db = new Database(parseDatabaseSchema(testSchemaJson));
      const random = new SeededRandom(`differential-${seqIndex}`);
      const theirNames = new Map<string, string>();
      const ourNames = new Map<string, string>();
      let compared = 0;
      try {
        for (const ops of sequence) {
          const params: Json = ['Test', ...(ops as Json[])];
          const theirs = await server.transact(params);
          const out = transact(db, params, { random });
          assert.equal(out.kind, 'done', `blocked on ${JSON.stringify(ops)}`);
          const ours = out.kind === 'done' ? onTheWire(out.result) : null;
          const opList = ops as readonly Json[];
          // Compare as text: assert's structural diff of large replies is slow to render.
          const a = JSON.stringify(comparableReply(opList, ours, ourNames));
          const b = JSON.stringify(comparableReply(opList, theirs, theirNames));
          assert.ok(a === b, `transaction ${JSON.stringify(ops)}\n  ours:     ${a}\n  upstream: ${b}`);
          compared++;
        }
      } finally {
        server.stop();
      }
      assert.equal(compared, sequence.length);
    });
  });

  it('random transaction sequences (fast-check) give identical replies and identical database files', async () => {
    const seed = Number(process.env.PROPERTY_SEED ?? 20261125);
    console.log(`    random differential seed ${seed} (replay with PROPERTY_SEED=${seed})`);
    const sequences = fc.sample(fc.array(fc.array(abstractOp, { minLength: 1, maxLength: 4 }), { minLength: 40, maxLength: 40 }),
      { seed, numRuns: 5 });
    let compared = 0;
    let records = 0;
    for (const [s, txns] of sequences.entries()) {
      const server = await UpstreamServer.start(testSchemaJson);
      const db = new Database(parseDatabaseSchema(testSchemaJson));
      const random = new SeededRandom(`random-differential-${seed}-${s}`);
      let next = 1;
      const explicitUuid = (): string => `${(next++).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
      const theirNames = new Map<string, string>();
      const ourNames = new Map<string, string>();
      const ourRecords: Json[] = [];
      try {
        for (const [n, abstract] of txns.entries()) {
          const ops = abstract.flatMap((op, j) => materialize(db, op, n * 10 + j, explicitUuid));
          const params: Json = ['Test', ...ops];
          const theirs = await server.transact(params);
          const out = transact(db, params, { random });
          assert.equal(out.kind, 'done');
          const a = JSON.stringify(comparableReply(ops, out.kind === 'done' ? onTheWire(out.result) : null, ourNames));
          const b = JSON.stringify(comparableReply(ops, theirs, theirNames));
          assert.ok(a === b, `seed ${seed} sequence ${s} transaction ${n}: ${JSON.stringify(ops)}\n  ours:     ${a}\n  upstream: ${b}`);
          const record = out.kind === 'done' && out.changeSet ? changeSetToLogRecord(out.changeSet) : null;
          if (record) ourRecords.push(onTheWire(record));
          compared++;
        }
        // Every insert named its UUID, so the database files must match record for record.
        const theirRecords = server.logRecords();
        assert.deepEqual(ourRecords, theirRecords, `seed ${seed} sequence ${s}: database file records differ`);
        // Loading upstream's file gives back our database's contents.
        const loaded = new Database(db.schema);
        for (const r of theirRecords) loaded.apply(logRecordToChangeSet(loaded, r, random));
        for (const t of db.schema.tables.values()) {
          const ours = [...db.store(t).rows.values()].map((row) => [row.uuid, row.values]);
          const theirs = [...loaded.store(t).rows.values()].map((row) => [row.uuid, row.values]);
          assert.deepEqual(new Map(theirs as Array<[string, unknown]>), new Map(ours as Array<[string, unknown]>), `table ${t.name} after loading`);
        }
        assert.deepEqual(auditDatabase(loaded), []);
        records += ourRecords.length;
      } finally {
        server.stop();
      }
    }
    assert.equal(compared, 200);
    assert.ok(records > 10, `only ${records} log records compared`);
  });

  it('get_schema: our schema printing equals upstream for the test schema, OVN_Southbound and _Server', async () => {
    const sb = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'schemas', 'ovn-sb.ovsschema'), 'utf8')) as Json;
    for (const schemaJson of [testSchemaJson, sb]) {
      const server = await UpstreamServer.start(schemaJson);
      try {
        const name = (schemaJson as { name: string }).name;
        const theirs = await server.request('get_schema', [name]);
        assert.deepEqual(schemaToJson(parseDatabaseSchema(schemaJson)), theirs.result);
        if (schemaJson === testSchemaJson) {
          const serverTheirs = await server.request('get_schema', ['_Server']);
          assert.deepEqual(schemaToJson(serverSchema), serverTheirs.result);
        }
      } finally {
        server.stop();
      }
    }
  });

  it('_Server database: read-only operations only, with upstream error text', async () => {
    const server = await UpstreamServer.start(testSchemaJson);
    const db = new Database(serverSchema);
    const random = new SeededRandom('differential-server');
    try {
      for (const ops of [
        [{ op: 'insert', table: 'Database', row: { name: 'x', model: 'standalone' } }],
        [{ op: 'select', table: 'Database', where: [['name', '==', 'nope']] }],
        [{ op: 'delete', table: 'Database', where: [['name', '==', 'nope']] }],
        [{ op: 'comment', comment: 'reading' }],
      ] as Json[][]) {
        const params: Json = ['_Server', ...ops];
        const theirs = await server.transact(params);
        const out = transact(db, params, { random });
        assert.deepEqual(out.kind === 'done' ? onTheWire(out.result) : null, theirs, JSON.stringify(ops));
      }
    } finally {
      server.stop();
    }
  });
});
