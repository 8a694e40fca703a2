// Property: whatever sequence of transactions (valid or not) a client sends, the database never breaks its
// schema's constraints, a failed transaction changes nothing, and a replica fed only the change sets ends
// up identical to the primary. Transactions are drawn as abstract operations and resolved against the
// current rows at run time, so references point at rows that exist (or deliberately do not).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { SeededRandom } from '../../runtime/seeded-random';
import { type Json, isJsonObject } from '../data/json';
import { changeSetToLogRecord } from './log-record';
import { logRecordToChangeSet } from './log-replay';
import { Database } from './database';
import { executeTransaction } from './execute';
import { auditDatabase } from './invariants';
import { type AbstractOp, abstractOp, materialize, schema } from './random-txns.test';
function snapshot(db: Database): Map<string, Map<string, unknown>> {
  const out = new Map<string, Map<string, unknown>>();
  for (const t of schema.tables.values()) out.set(t.name, new Map(db.store(t).rows));
  return out;
}

function sameRows(a: Database, b: Database): boolean {
  for (const t of schema.tables.values()) {
    const ra = a.store(t).rows;
    const rb = b.store(t).rows;
    if (ra.size !== rb.size) return false;
    for (const [u, row] of ra) if (JSON.stringify(rb.get(u)) !== JSON.stringify(row)) return false;
  }
  return true;
}

/** Row contents without _version (database files do not store it). */
function sameContents(a: Database, b: Database): boolean {
  for (const t of schema.tables.values()) {
    const ra = a.store(t).rows;
    const rb = b.store(t).rows;
    if (ra.size !== rb.size) return false;
    for (const [u, row] of ra) {
      const other = rb.get(u);
      if (!other || JSON.stringify(other.values) !== JSON.stringify(row.values)) return false;
    }
  }
  return true;
}

function runSequence(txns: AbstractOp[][], seed: number): { ok: number; failed: number } {
  const db = new Database(schema);
  const replica = new Database(schema);
  const fromFile = new Database(schema);
  const fileRandom = new SeededRandom(`property-file-${seed}`);
  const random = new SeededRandom(`property-${seed}`);
  let ok = 0;
  let failed = 0;
  txns.forEach((abstractOps, n) => {
    const ops = abstractOps.flatMap((op, j) => materialize(db, op, n * 10 + j));
    const before = snapshot(db);
    const generation = db.generation;
    const out = executeTransaction(db, ['Test', ...ops], { random });
    assert.equal(out.kind, 'done');
    if (out.kind !== 'done') return;
    const failedNow = Array.isArray(out.result) && out.result.some((r) => isJsonObject(r) && typeof r.error === 'string');
    const context = `seed ${seed}, transaction ${n}: ${JSON.stringify(ops)} -> ${JSON.stringify(out.result)}`;
    if (failedNow) {
      failed++;
      assert.equal(out.changeSet, null, context);
      assert.equal(db.generation, generation, context);
      assert.deepEqual(snapshot(db), before, context);
    } else {
      ok++;
      if (out.changeSet && out.changeSet.changes.length) {
        db.apply(out.changeSet);
        replica.apply(out.changeSet);
        // The same transaction written as a database file record and read back.
        const record = changeSetToLogRecord(out.changeSet);
        if (record) fromFile.apply(logRecordToChangeSet(fromFile, JSON.parse(JSON.stringify(record)) as Json, fileRandom));
      }
    }
    const problems = auditDatabase(db);
    assert.deepEqual(problems, [], context);
    assert.ok(sameRows(db, replica), `replica diverged: ${context}`);
    assert.ok(sameContents(db, fromFile), `database file replay diverged: ${context}`);
  });
  return { ok, failed };
}

describe('property: random transactions never break the schema', () => {
  it('keeps every constraint, rolls back failures atomically, and replicates through change sets and file records', () => {
    const seed = Number(process.env.PROPERTY_SEED ?? 20261125);
    console.log(`    property seed ${seed} (replay with PROPERTY_SEED=${seed})`);
    let ok = 0;
    let failed = 0;
    fc.assert(
      fc.property(fc.array(fc.array(abstractOp, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 25 }), (txns) => {
        const r = runSequence(txns, seed);
        ok += r.ok;
        failed += r.failed;
      }),
      { numRuns: 150, seed, verbose: 1 },
    );
    // The generator must exercise both paths, or the property says little.
    assert.ok(ok > 100 && failed > 100, `ok ${ok}, failed ${failed}`);
  });
});
