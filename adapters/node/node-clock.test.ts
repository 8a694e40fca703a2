import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { InvariantError } from '../../core/util/assert';
import { waitUntilReal } from './contract-envs';
import { NodeClock, maxSetTimeoutChunkMs } from './node-clock';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A NodeClock whose reading can be held back, to make setTimeout wake up "early" by this clock. */
class LaggingClock extends NodeClock {
  lagMs = 0;
  override nowMs(): number {
    return super.nowMs() - this.lagMs;
  }
}

describe('NodeClock', () => {
  it('is monotonic and follows real time; wall clock is Date.now()', async () => {
    const clock = new NodeClock();
    let last = clock.nowMs();
    for (let i = 0; i < 10_000; i++) {
      const now = clock.nowMs();
      assert.ok(now >= last, `went back from ${last} to ${now}`);
      last = now;
    }
    const before = clock.nowMs();
    await sleep(30);
    assert.ok(clock.nowMs() - before >= 29, 'advanced with real time');
    assert.ok(Math.abs(clock.wallClockMs() - Date.now()) < 50);
  });

  it('fires each timer once, never before its delay, in due order', async () => {
    const clock = new NodeClock();
    const start = clock.nowMs();
    const fired: Array<[number, number]> = [];
    for (const delay of [30, 0, 10, 20]) clock.setTimer(delay, () => fired.push([delay, clock.nowMs() - start]));
    await waitUntilReal(() => fired.length === 4, 'four timers');
    assert.deepEqual(
      fired.map(([d]) => d),
      [0, 10, 20, 30],
    );
    for (const [delay, at] of fired) assert.ok(at >= delay, `timer of ${delay} ms fired at ${at} ms`);
  });

  it('never fires after cancel(), and cancel() after firing is harmless', async () => {
    const clock = new NodeClock();
    let cancelledFired = false;
    let firedCount = 0;
    const cancelled = clock.setTimer(5, () => (cancelledFired = true));
    const fired = clock.setTimer(1, () => firedCount++);
    cancelled.cancel();
    await waitUntilReal(() => firedCount === 1, 'the 1 ms timer');
    await sleep(20);
    fired.cancel();
    fired.cancel();
    assert.equal(cancelledFired, false);
    assert.equal(firedCount, 1);
  });

  it('re-arms when setTimeout wakes before the delay has passed on this clock', async () => {
    const clock = new LaggingClock();
    const realStart = performance.now();
    const due = clock.nowMs() + 10;
    let firedAt: number | null = null;
    let realElapsed = 0;
    clock.setTimer(10, () => {
      firedAt = clock.nowMs();
      realElapsed = performance.now() - realStart;
    });
    clock.lagMs = 25; // from now on this clock reads 25 ms behind real time
    await waitUntilReal(() => firedAt !== null, 'the lagging timer');
    assert.notEqual(firedAt, null, 'fired eventually');
    assert.ok(firedAt! >= due, `fired at ${firedAt}, due ${due}`);
    assert.ok(realElapsed >= 34, `fired after ${realElapsed} real ms; expected the re-arm to wait ~25 ms more`);
  });

  it('waits out delays longer than setTimeout can hold (which Node would turn into 1 ms)', async () => {
    const clock = new NodeClock();
    let fired = false;
    const timer = clock.setTimer(maxSetTimeoutChunkMs * 2, () => (fired = true));
    await sleep(30);
    timer.cancel();
    assert.equal(fired, false);
  });

  it('refuses negative and non-finite delays', () => {
    const clock = new NodeClock();
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => clock.setTimer(bad, () => undefined), InvariantError);
    }
  });

  it('with timersKeepProcessAlive false, pending timers do not hold the process', () => {
    const modulePath = path.join(__dirname, 'node-clock.js');
    const script = `new (require(${JSON.stringify(modulePath)}).NodeClock)({ timersKeepProcessAlive: false }).setTimer(60000, () => process.exit(3));`;
    const started = performance.now();
    const result = spawnSync(process.execPath, ['-e', script], { timeout: 10_000 });
    assert.equal(result.status, 0, String(result.stderr));
    assert.ok(performance.now() - started < 10_000);
  });
});
