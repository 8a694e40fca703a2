// Seeded fuzz of the server's whole input path: thousands of connections each sending mutated JSON-RPC
// messages (byte flips, truncations, spliced junk, structurally replaced values, odd chunking). The server
// must never throw, must answer or close each abuser without affecting a well-behaved client, must not leak
// sessions, and must keep what it committed: a restart from its file gives the same content.
import { strict as assert } from 'node:assert';
import { Harness, result } from './harness.test';
import { fakeConnectionPair, settle } from '../jsonrpc/test-fakes';
import { SeededRandom } from '../../runtime/seeded-random';
import type { Random } from '../../runtime/random';

const seed = process.env.OVSDB_FUZZ_SEED ?? 'ovsdb-server-fuzz-1';
const connections = 3000;
const maxMessagesPerConnection = 3;

const templates: unknown[] = [
  { method: 'list_dbs', params: [], id: 1 },
  { method: 'get_schema', params: ['T'], id: 2 },
  { method: 'echo', params: ['x', 1], id: 3 },
  { method: 'transact', params: ['T', { op: 'insert', table: 'Sw', row: { name: 'fz', n: 3, tags: ['set', ['a', 'b']] } }], id: 4 },
  { method: 'transact', params: ['T', { op: 'select', table: 'Sw', where: [['n', '>', 0]], columns: ['name'] }], id: 5 },
  { method: 'transact', params: ['T', { op: 'mutate', table: 'Sw', where: [['name', '==', 'fz']], mutations: [['n', '+=', 1]] }], id: 6 },
  { method: 'transact', params: ['T', { op: 'wait', table: 'Sw', where: [], columns: ['name'], until: '!=', rows: [], timeout: 0 }], id: 7 },
  { method: 'monitor', params: ['T', 'm1', { Sw: { columns: ['name', 'n'] } }], id: 8 },
  { method: 'monitor_cond', params: ['T', 'm2', { Sw: [{ where: [['n', '==', 3]], columns: ['name'] }] }], id: 9 },
  { method: 'monitor_cond_since', params: ['T', 'm3', { Port: [{}] }, '00000000-0000-0000-0000-000000000000'], id: 10 },
  { method: 'monitor_cond_change', params: ['m2', 'm2', { Sw: [{ where: [true] }] }], id: 11 },
  { method: 'lock', params: ['lk'], id: 12 },
  { method: 'steal', params: ['lk'], id: 13 },
  { method: 'unlock', params: ['lk'], id: 14 },
  { method: 'set_db_change_aware', params: [true], id: 15 },
  { method: 'cancel', params: [7], id: null },
  { method: 'monitor_cancel', params: ['m1'], id: 16 },
];

const junk = ['{', '}', '[', ']', '"', ':', ',', '\\', '0', '-1e999', 'null', 'true', '\u00e9', '\u0000', ' '];

function randomValue(r: Random, depth = 0): unknown {
  switch (r.int(depth > 2 ? 5 : 8)) {
    case 0: return r.intBetween(-5, 2 ** 31);
    case 1: return r.next() * 1e6;
    case 2: return r.pick(['', 'T', 'Sw', 'Port', 'uuid', 'set', 'map', 'named-uuid', 'x'.repeat(r.int(3000))]);
    case 3: return null;
    case 4: return r.chance(0.5);
    case 5: return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    case 6: return Object.fromEntries(Array.from({ length: r.int(3) }, () => [r.pick(['op', 'table', 'where', 'row', 'columns', 'z']), randomValue(r, depth + 1)]));
    default: return ['uuid', r.pick(['not-a-uuid', '00000000-0000-0000-0000-000000000000'])];
  }
}

/** Replaces one random node of a JSON value with a random value. */
function mutateStructure(value: unknown, r: Random): unknown {
  if (r.chance(0.2) || value === null || typeof value !== 'object') return randomValue(r);
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return randomValue(r);
  const k = r.pick(keys);
  (copy as Record<string, unknown>)[k] = mutateStructure((copy as Record<string, unknown>)[k], r);
  return copy;
}

function mutateText(text: string, r: Random): string {
  switch (r.int(4)) {
    case 0: { // flip a character
      const i = r.int(text.length);
      return text.slice(0, i) + String.fromCharCode(32 + r.int(95)) + text.slice(i + 1);
    }
    case 1: return text.slice(0, r.int(text.length)); // truncate
    case 2: { // splice junk
      const i = r.int(text.length);
      return text.slice(0, i) + r.pick(junk) + text.slice(i);
    }
    default: return text; // unchanged text (the structural mutation did the work)
  }
}

describe('OvsdbServer: seeded fuzz of the input path', function () {
  this.timeout(120_000);

  it(`survives ${connections} connections of mutated messages without crashing, leaking or losing data (seed ${seed}; OVSDB_FUZZ_SEED to replay)`, () => {
    const r = new SeededRandom(seed);
    const h = new Harness();
    const good = h.connect();
    h.transact(good, { op: 'insert', table: 'Sw', row: { name: 'keep', n: 1 } });
    result(good.call('monitor', ['T', 'good', { Sw: { columns: ['name', 'n'] } }]));
    let answered = 0;
    let closedByServer = 0;
    for (let c = 0; c < connections; c++) {
      const { a, b } = fakeConnectionPair();
      h.server.attach(a);
      let got = 0;
      b.setHandler({ data: () => got++, closed: (reason) => reason === 'remote-close' && closedByServer++ });
      const messages = 1 + r.int(maxMessagesPerConnection);
      for (let m = 0; m < messages; m++) {
        const template = r.pick(templates);
        const value = r.chance(0.6) ? mutateStructure(template, r) : template;
        const text = mutateText(JSON.stringify(value) ?? 'null', r);
        b.send(new TextEncoder().encode(text));
      }
      try {
        settle(b, r.chance(0.3) ? 1 + r.int(7) : 0);
        h.clock.advance(r.int(3) * 1000); // let waits time out
        settle(b);
      } catch (err) {
        throw new Error(`connection ${c} (seed ${seed}): ${(err as Error).message}`);
      }
      if (got > 0) answered++;
      b.close();
      settle(b);
    }
    h.settleAll();
    assert.equal(h.server.sessionCount, 1, `sessions leaked (seed ${seed})`);
    assert.ok(answered > connections / 4, `too few answers: ${answered}`);
    assert.ok(closedByServer > 0, 'no malformed stream was closed by the server');
    // The well-behaved client was unaffected and its monitor saw its row.
    assert.ok(good.rpc.isOpen);
    assert.deepEqual(result(good.call('list_dbs', [])), ['T', '_Server']);
    const select = () => h.transact(good, { op: 'select', table: 'Sw', where: [], columns: ['name', 'n', 'tags', 'cfg', 'note', 'ports'] });
    const before = select() as Array<{ rows: Array<{ name: string }> }>;
    assert.ok(before[0]!.rows.some((row) => row.name === 'keep'));
    // Committed data is intact: a restart from the file has exactly the same content.
    h.start();
    const again = h.connect();
    assert.deepEqual(
      h.transact(again, { op: 'select', table: 'Sw', where: [], columns: ['name', 'n', 'tags', 'cfg', 'note', 'ports'] }),
      before,
    );
  });
});
