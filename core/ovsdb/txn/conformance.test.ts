// RFC 7047 conformance, table-driven: every operation, condition function, mutator and error path, with
// replies that must equal what upstream ovsdb-server 3.1.0 answered for the same requests.
import { strict as assert } from 'node:assert';
import { conformanceCases } from './conformance-cases.test';
import { comparableReply } from './upstream-harness.test';
import { testSchemaJson } from './test-schema.test';
import { parseDatabaseSchema } from '../schema/parse-schema';
import { Database } from './database';
import { transact } from './execute';
import { SeededRandom } from '../../runtime/seeded-random';
import { type Json, isJsonObject, jsonToString } from '../data/json';

const schema = parseDatabaseSchema(testSchemaJson);

function run(db: Database, ops: readonly Json[], random: SeededRandom): Json {
  const out = transact(db, ['Test', ...ops], { random });
  assert.equal(out.kind, 'done');
  // Compared as a client reads it: printed like upstream prints JSON, parsed back.
  return out.kind === 'done' ? (JSON.parse(jsonToString(out.result, false)) as Json) : null;
}

describe('ovsdb transactions: RFC 7047 conformance (replies recorded from upstream)', () => {
  for (const c of conformanceCases) {
    it(c.name, () => {
      const db = new Database(schema);
      const random = new SeededRandom(`conformance/${c.name.replace(/\//g, '_')}`);
      const names = new Map<string, string>();
      for (const setup of c.setup) {
        const r = run(db, setup, random);
        assert.ok(Array.isArray(r) && !r.some((x) => isJsonObject(x) && 'error' in x), `setup failed: ${JSON.stringify(r)}`);
      }
      assert.equal(JSON.stringify(comparableReply(c.ops, run(db, c.ops, random), names)), JSON.stringify(c.expect));
      if (c.then) {
        assert.equal(JSON.stringify(comparableReply(c.then, run(db, c.then, random), names)), JSON.stringify(c.thenExpect));
      }
    });
  }
});
