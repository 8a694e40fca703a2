// Differential test: the same transaction sequences (including failing ones) on upstream ovsdb-server and
// on our engine; replies must be identical after numbering UUIDs by order of appearance.
import { strict as assert } from 'node:assert';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { UpstreamServer, normalizeUuids } from './upstream-harness.test';
import { testSchemaJson } from './test-schema.test';
import { differentialSequences } from './differential-cases.test';
import { parseDatabaseSchema } from '../schema/parse-schema';
import { serverSchema } from '../schema/server-schema';
import { Database } from './database';
import { transact } from './execute';
import { SeededRandom } from '../../runtime/seeded-random';
import { type Json, isJsonObject } from '../data/json';

/**
 * Makes replies comparable where upstream's output depends on its hash-table iteration order, which is
 * unspecified: rows of a select without "sort", which of two duplicate index rows is called "First", and
 * which unexpected member an error names first.
 */
export function canonicalReply(ops: readonly Json[], reply: Json): Json {
  if (!Array.isArray(reply)) return reply;
  return reply.map((r, i) => {
    const op = ops[i];
    if (isJsonObject(r) && Array.isArray(r.rows) && isJsonObject(op) && op.sort === undefined) {
      return { ...r, rows: [...r.rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) };
    }
    return r;
  });
}

/** After UUID numbering: the order-insensitive parts of error details. */
function canonicalDetails(reply: Json): Json {
  if (!Array.isArray(reply)) return reply;
  return reply.map((r) => {
    if (isJsonObject(r) && typeof r.details === 'string') {
      let d = r.details.replace(/Member '[^']+' and (\d+) other/, "Member '*' and $1 other");
      const m = /^(.*?)  (First row, .*?)  Second (row, .*)$/.exec(d);
      if (m) {
        const [x, y] = [m[2]!.replace(/^First /, ''), m[3]!].sort();
        d = `${m[1]}  First ${x}  Second ${y}`;
      }
      return { ...r, details: d };
    }
    return r;
  });
}

/** After UUID numbering: sort set and map elements, whose order follows the (different) UUID values. */
function sortCollections(value: Json): Json {
  if (Array.isArray(value)) {
    const items = value.map(sortCollections);
    if (items.length === 2 && (items[0] === 'set' || items[0] === 'map') && Array.isArray(items[1])) {
      return [items[0], [...(items[1] as Json[])].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))];
    }
    return items;
  }
  if (isJsonObject(value)) {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(value)) out[k] = sortCollections(value[k]!);
    return out;
  }
  return value;
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
          const ours = out.kind === 'done' ? out.result : null;
          const opList = ops as readonly Json[];
          // Compare as text: assert's structural diff of large replies is slow to render.
          const a = JSON.stringify(canonicalDetails(sortCollections(normalizeUuids(canonicalReply(opList, ours), ourNames))));
          const b = JSON.stringify(canonicalDetails(sortCollections(normalizeUuids(canonicalReply(opList, theirs), theirNames))));
          assert.ok(a === b, `transaction ${JSON.stringify(ops)}\n  ours:     ${a}\n  upstream: ${b}`);
          compared++;
        }
      } finally {
        server.stop();
      }
      assert.equal(compared, sequence.length);
    });
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
        assert.deepEqual(out.kind === 'done' ? out.result : null, theirs, JSON.stringify(ops));
      }
    } finally {
      server.stop();
    }
  });
});
