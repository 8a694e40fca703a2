// The JSON-RPC reader, message validation, session and serializer against a real upstream ovsdb-server.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { JsonRpcSession, type ReplyOutcome } from './session';
import { parseJsonRpcMessage } from './message';
import { invalidMessages } from './message.test';
import { JsonStreamReader } from '../../json/stream-reader';
import { formatJson } from '../../json/format';
import type { JsonValue } from '../../json/value';
import { makeTempDir, rawExchange, realClock, run, SocketConnection, startUpstreamServer, type UpstreamServer } from './upstream-server.test';

const schema = {
  name: 'T',
  version: '1.0.0',
  tables: {
    A: {
      columns: {
        name: { type: 'string' },
        n: { type: 'integer' },
        r: { type: 'real' },
        tags: { type: { key: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
  },
};

function call(session: JsonRpcSession, method: string, params: JsonValue[]): Promise<ReplyOutcome> {
  return new Promise((resolve) => session.request(method, params, resolve));
}

describe('JSON-RPC against upstream ovsdb-server', function () {
  let dir: string;
  let server: UpstreamServer;

  before(async function () {
    upstreamOrSkip(this, 'ovsdb-server', 'ovsdb-tool');
    dir = makeTempDir('jsonrpc');
    fs.writeFileSync(path.join(dir, 'schema.ovsschema'), JSON.stringify(schema));
    run('ovsdb-tool', ['create', path.join(dir, 'db'), path.join(dir, 'schema.ovsschema')]);
    server = await startUpstreamServer(dir, path.join(dir, 'db'));
  });

  after(async function () {
    if (server) await server.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs requests through a session, including a multi-megabyte reply, and survives inactivity probes', async function () {
    this.timeout(20000);
    const conn = await SocketConnection.connect(server.socket);
    const closed: string[] = [];
    // No probe during the bulk part: on a loaded CI machine the 3 MB transaction alone can keep the server
    // silent for longer than a short probe interval (a real, correct close). Probes get their own session below.
    const session = new JsonRpcSession(conn, { closed: (_s, r) => closed.push(r) }, { clock: realClock, probeIntervalMs: 0 });
    assert.deepEqual(await call(session, 'list_dbs', []), { kind: 'result', result: ['T', '_Server'] });
    const ops: JsonValue[] = ['T'];
    for (let i = 0; i < 3000; i++) {
      ops.push({ op: 'insert', table: 'A', row: { name: `row ${i} \u00e9\u{1f600}"\\\n${'z'.repeat(1000)}`, n: i, r: i / 8, tags: ['set', [`t${i}`, 'x']] } });
    }
    const inserted = await call(session, 'transact', ops);
    assert.equal(inserted.kind, 'result');
    assert.equal((inserted as { result: JsonValue[] }).result.length, 3000);
    const selected = await call(session, 'transact', ['T', { op: 'select', table: 'A', where: [], columns: ['name', 'n', 'r', 'tags'] }]);
    assert.equal(selected.kind, 'result');
    const rows = ((selected as unknown as { result: Array<{ rows: Array<{ name: string; n: number; r: number; tags: JsonValue }> }> }).result[0]!.rows);
    assert.equal(rows.length, 3000);
    const row7 = rows.find((r) => r.n === 7)!;
    assert.equal(row7.name, `row 7 \u00e9\u{1f600}"\\\n${'z'.repeat(1000)}`);
    assert.equal(row7.r, 7 / 8);
    assert.deepEqual(row7.tags, ['set', ['t7', 'x']]);
    assert.deepEqual(await call(session, 'no_such_method', []), { kind: 'error', error: 'unknown method' });
    session.close('test done');
    assert.deepEqual(closed, ['test done']);

    const probed = new JsonRpcSession(await SocketConnection.connect(server.socket), { closed: (_s, r) => closed.push(r) }, { clock: realClock, probeIntervalMs: 150 });
    await new Promise((r) => setTimeout(r, 700)); // several probe intervals of silence: echoes are answered
    assert.ok(probed.isOpen, `probe session closed: ${closed.join('; ')}`);
    probed.close('probe test done');
  });

  it('serializes numbers and strings byte-for-byte as upstream does', async function () {
    const params: JsonValue[] = [1, 0.1, 1e300, 1e16, 1.2345678901234568e20, 0.30000000000000004, 2e-5, 1e-4,
      123456789.123456789, -7, 1.5e-10, 2 ** 53 - 1, -(2 ** 53 - 1), 'x\u00e9\u{1f600}\b\f/\u007f\u001f\u2028 "\\\n\r\t'];
    const request = new TextEncoder().encode(`{"method":"echo","params":${JSON.stringify(params)},"id":1}`);
    const { reply } = await rawExchange(server.socket, request, 200);
    const text = reply.toString('utf8');
    const batch = new JsonStreamReader().push(new Uint8Array(reply));
    assert.equal(batch.error, null);
    assert.equal(batch.values.length, 1);
    // Our serialization of what we parsed equals upstream's bytes (members reordered into upstream's order).
    const value = batch.values[0] as { id: JsonValue; result: JsonValue; error: JsonValue };
    assert.equal(`{"id":${formatJson(value.id)},"result":${formatJson(value.result)},"error":null}`, text);
    assert.ok(text.includes('0.3,'), 'upstream prints reals with 15 significant digits');
  });

  it('rejects exactly the malformed messages upstream drops the connection for', async function () {
    this.timeout(20000);
    for (const [text, problem] of invalidMessages) {
      const { reply, closed } = await rawExchange(server.socket, new TextEncoder().encode(text), 150);
      assert.equal(closed, true, `upstream kept the connection open after ${text}`);
      assert.equal(reply.length, 0, `upstream answered ${text}`);
      const value = new JsonStreamReader().push(new TextEncoder().encode(text)).values[0]!;
      assert.deepEqual(parseJsonRpcMessage(value), { ok: false, error: problem });
    }
    const log = fs.readFileSync(path.join(dir, 'ovsdb-server.log'), 'utf8');
    assert.ok(log.includes('received bad JSON-RPC message: request must have "params"'));
  });

  it('frames replies to back-to-back requests sent in one write and in 1-byte writes', async function () {
    let pipelined = '';
    for (let i = 0; i < 50; i++) pipelined += `{"method":"echo","params":[${i},"\u00e9"],"id":${i}}`;
    const { reply, closed } = await rawExchange(server.socket, new TextEncoder().encode(pipelined), 200);
    assert.equal(closed, false);
    const reader = new JsonStreamReader();
    const values: JsonValue[] = [];
    for (const b of reply) values.push(...reader.push(Uint8Array.of(b)).values);
    assert.equal(values.length, 50);
    values.forEach((v, i) => assert.deepEqual(v, { id: i, result: [i, '\u00e9'], error: null }));
  });

  it('receives "update" notifications for a monitor from a real server', async function () {
    this.timeout(10000);
    const conn = await SocketConnection.connect(server.socket);
    const updates: JsonValue[][] = [];
    let notified: () => void = () => undefined;
    const session = new JsonRpcSession(conn, { notification: (_s, method, params) => (method === 'update' ? (updates.push(params), notified()) : undefined) }, { clock: realClock, probeIntervalMs: 0 });
    const initial = await call(session, 'monitor', ['T', 'mon-1', { A: { columns: ['name', 'n'], select: { initial: false, insert: true, delete: true, modify: true } } }]);
    assert.deepEqual(initial, { kind: 'result', result: {} });
    const arrived = new Promise<void>((resolve) => (notified = resolve));
    run('ovsdb-client', ['transact', `unix:${server.socket}`, JSON.stringify(['T', { op: 'insert', table: 'A', row: { name: 'watched \u2603', n: 42 } }])]);
    await arrived;
    assert.equal(updates.length, 1);
    const [monitorId, tableUpdates] = updates[0] as [JsonValue, { A: Record<string, { new: { name: string; n: number } }> }];
    assert.equal(monitorId, 'mon-1');
    const rows = Object.values(tableUpdates.A);
    assert.deepEqual(rows.map((r) => r.new), [{ name: 'watched \u2603', n: 42 }]);
    session.close();
  });
});
