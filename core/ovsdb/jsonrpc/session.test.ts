import { strict as assert } from 'node:assert';
import { JsonRpcSession, type JsonRpcHandlers, type ReplyOutcome } from './session';
import { fakeConnectionPair, ManualClock, settle, type FakeConnection } from './test-fakes';
import type { JsonValue } from '../../json/value';

const enc = new TextEncoder();
const dec = new TextDecoder();

function sentText(c: FakeConnection): string {
  return c.sent.map((b) => dec.decode(b)).join('');
}

function pair(options: { probeIntervalMs?: number; maxBacklogBytes?: number; maxMessageBytes?: number } = {}, serverHandlers: JsonRpcHandlers = {}) {
  const clock = new ManualClock();
  const { a, b } = fakeConnectionPair();
  const closed: string[] = [];
  const client = new JsonRpcSession(a, { closed: (_s, r) => closed.push(`client: ${r}`) }, { clock, probeIntervalMs: 0, ...options });
  const server = new JsonRpcSession(b, { ...serverHandlers, closed: (s, r) => (closed.push(`server: ${r}`), serverHandlers.closed?.(s, r)) }, { clock, probeIntervalMs: 0, ...options });
  return { clock, a, b, client, server, closed };
}

describe('JsonRpcSession', () => {
  it('matches replies to requests by id, even out of order and in tiny chunks', () => {
    for (const chunk of [0, 1, 7]) {
      const held: Array<{ id: JsonValue; params: JsonValue[] }> = [];
      const { a, client, server } = pair({}, { request: (_s, r) => held.push(r) });
      const outcomes: Array<[number, ReplyOutcome]> = [];
      for (let i = 0; i < 3; i++) client.request('op', [i, '\u00e9\u{1f600}'], (o) => outcomes.push([i, o]));
      settle(a, chunk);
      assert.equal(held.length, 3);
      server.reply(held[2]!.id, ['third', held[2]!.params]);
      server.replyError(held[0]!.id, { error: 'nope' });
      server.reply(held[1]!.id, 2.5);
      settle(a, chunk);
      assert.deepEqual(outcomes, [
        [2, { kind: 'result', result: ['third', [2, '\u00e9\u{1f600}']] }],
        [0, { kind: 'error', error: { error: 'nope' } }],
        [1, { kind: 'result', result: 2.5 }],
      ]);
      assert.equal(client.pendingRequests, 0);
    }
  });

  it('answers echo itself, reports unknown methods, and delivers notifications', () => {
    const notes: Array<[string, JsonValue[]]> = [];
    const { a, client } = pair({}, { notification: (_s, m, p) => notes.push([m, p]) });
    const outcomes: ReplyOutcome[] = [];
    client.request('echo', ['ping', 1], (o) => outcomes.push(o));
    client.request('transact', [], (o) => outcomes.push(o));
    client.notify('update', [null, { T: {} }]);
    settle(a);
    assert.deepEqual(outcomes, [{ kind: 'result', result: ['ping', 1] }, { kind: 'error', error: 'unknown method' }]);
    assert.deepEqual(notes, [['update', [null, { T: {} }]]]);
    assert.equal(sentText(a), '{"method":"echo","params":["ping",1],"id":0}{"method":"transact","params":[],"id":1}{"method":"update","params":[null,{"T":{}}],"id":null}');
  });

  it('sends an inactivity probe after silence and stays open while the peer answers', () => {
    const { clock, a, b, client, closed } = pair({ probeIntervalMs: 5000 });
    clock.advance(4999);
    assert.equal(a.outbox.length, 0);
    clock.advance(1);
    assert.equal(dec.decode(a.outbox[0]!), '{"method":"echo","params":[],"id":"echo"}');
    settle(a); // the server session answers; the client absorbs the reply to "echo"
    for (let i = 0; i < 10; i++) {
      clock.advance(2500);
      settle(a);
    }
    assert.deepEqual(closed, []);
    assert.ok(client.isOpen);
    assert.ok(sentText(b).includes('{"id":"echo","result":[],"error":null}'));
  });

  it('closes after a second interval without any byte from the peer, failing pending requests', () => {
    const clock = new ManualClock();
    const { a } = fakeConnectionPair(); // nobody reads the far end
    const reasons: string[] = [];
    const session = new JsonRpcSession(a, { closed: (_s, r) => reasons.push(r) }, { clock, probeIntervalMs: 1000 });
    const outcomes: ReplyOutcome[] = [];
    session.request('get_schema', ['x'], (o) => outcomes.push(o));
    clock.advance(1000);
    assert.equal(a.outbox.length, 2);
    clock.advance(999);
    assert.ok(session.isOpen);
    clock.advance(1);
    assert.deepEqual(reasons, ['no response to inactivity probe after 1 seconds, disconnecting']);
    assert.deepEqual(outcomes, [{ kind: 'closed', reason: reasons[0] }]);
    assert.equal(a.isOpen, false);
    assert.equal(clock.pendingTimers, 0);
  });

  it('treats any received byte as activity (a partial message defers the probe)', () => {
    const clock = new ManualClock();
    const { a } = fakeConnectionPair();
    const session = new JsonRpcSession(a, {}, { clock, probeIntervalMs: 1000 });
    clock.advance(900);
    a.inject(enc.encode('{"method":"upd'));
    clock.advance(900);
    assert.equal(a.outbox.length, 0);
    clock.advance(100);
    assert.equal(a.outbox.length, 1);
    assert.ok(session.isOpen);
  });

  it('closes a session whose send backlog exceeds maxBacklogBytes (the peer does not read)', () => {
    const { a, b, server, closed } = pair({ maxBacklogBytes: 1100 }, {});
    for (let i = 0; i < 7; i++) server.notify('update', ['x'.repeat(100)]);
    assert.ok(server.isOpen);
    server.notify('update', ['x'.repeat(100)]);
    assert.equal(server.isOpen, false);
    assert.match(server.reason!, /^send backlog of 1\d{3} bytes exceeds maxBacklogBytes \(1100\)$/);
    assert.equal(b.isOpen, false);
    settle(a);
    assert.deepEqual(closed, [`server: ${server.reason}`, 'client: connection closed by peer']);
  });

  it('closes with upstream-style reasons on bad messages and framing errors', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"method":"echo","params":{},"id":1}', /^received bad JSON-RPC message: "params" must be JSON array$/],
      ['{"result":1,"error":null,"id":99}', /^received reply for unknown request id 99$/],
      ['{"method":"echo","params":[],"id":1}}', /^error parsing stream: JSON stream error at byte 36: syntax error at beginning of a message/],
      ['{"a":"x"}', /unexpected member "a"/],
    ];
    for (const [text, reason] of cases) {
      const clock = new ManualClock();
      const { a, b } = fakeConnectionPair();
      const reasons: string[] = [];
      new JsonRpcSession(b, { closed: (_s, r) => reasons.push(r) }, { clock, probeIntervalMs: 0 });
      a.send(enc.encode(text));
      settle(a);
      assert.equal(reasons.length, 1, text);
      assert.match(reasons[0]!, reason);
    }
  });

  it('rejects messages over maxMessageBytes and reports a peer closing mid-message', () => {
    const { a, b, client, closed } = pair({ maxMessageBytes: 200 });
    client.notify('x', ['y'.repeat(300)]);
    settle(a);
    assert.match(closed[0]!, /^server: error parsing stream: .*exceeds maxMessageBytes \(200 bytes\)/);
    const second = pair();
    second.a.send(enc.encode('{"method":"x","par'));
    second.a.close();
    settle(second.a);
    assert.deepEqual(second.closed, ['client: connection closed locally', 'server: connection closed by peer; JSON stream error at byte 18: stream ended inside a message that began at byte 0']);
    assert.ok(b);
  });

  it('completes requests made after close with the close reason', () => {
    const { client } = pair();
    client.close('done');
    const outcomes: ReplyOutcome[] = [];
    client.request('x', [], (o) => outcomes.push(o));
    assert.deepEqual(outcomes, [{ kind: 'closed', reason: 'done' }]);
  });

  it('registers nothing when a request cannot be serialized, and completes one cut off by the backlog bound', () => {
    const { client } = pair({ maxBacklogBytes: 60 });
    assert.throws(() => client.request('x', [NaN], () => assert.fail('must not be called')), /non-finite/);
    assert.equal(client.pendingRequests, 0);
    const outcomes: ReplyOutcome[] = [];
    client.request('transact', ['y'.repeat(100)], (o) => outcomes.push(o));
    assert.deepEqual(outcomes, [{ kind: 'closed', reason: client.reason }]);
    assert.match(client.reason!, /exceeds maxBacklogBytes \(60\)/);
  });
});
