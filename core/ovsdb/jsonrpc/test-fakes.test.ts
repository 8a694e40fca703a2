import { strict as assert } from 'node:assert';
import { fakeConnectionPair, ManualClock, settle } from './test-fakes';

describe('test fakes: ManualClock and FakeConnection', () => {
  it('fires timers in time then creation order, never early, never after cancel', () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    clock.setTimer(10, () => fired.push('a@' + clock.nowMs()));
    const b = clock.setTimer(5, () => fired.push('b'));
    clock.setTimer(10, () => {
      fired.push('c@' + clock.nowMs());
      clock.setTimer(0, () => fired.push('d@' + clock.nowMs()));
    });
    b.cancel();
    clock.advance(9);
    assert.deepEqual(fired, []);
    clock.advance(1);
    assert.deepEqual(fired, ['a@10', 'c@10', 'd@10']);
    assert.equal(clock.wallClockMs(), 1_700_000_000_010);
    assert.equal(clock.pendingTimers, 0);
  });

  it('delivers bytes only on flush, in order, and close events once on each side', () => {
    const { a, b } = fakeConnectionPair();
    const got: string[] = [];
    const closes: string[] = [];
    b.setHandler({ data: (d) => got.push(new TextDecoder().decode(d)), closed: (r) => closes.push(`b:${r}`) });
    a.setHandler({ data: () => undefined, closed: (r) => closes.push(`a:${r}`) });
    a.send(new TextEncoder().encode('hello'));
    assert.equal(a.bufferedBytes(), 5);
    assert.deepEqual(got, []);
    a.flush(2);
    assert.deepEqual(got, ['he', 'll', 'o']);
    a.close();
    a.send(new TextEncoder().encode('ignored'));
    settle(a);
    settle(a);
    assert.deepEqual(closes, ['a:local-close', 'b:remote-close']);
    assert.equal(b.isOpen, false);
  });
});
