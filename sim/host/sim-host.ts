// A simulated host: its own clock, disk and network presence, running one program (a function that wires
// core components to the host's Runtime). Crash, restart and pause act on everything the program set up:
// - crash: timers and deliveries of the old incarnation are dropped, connections reset, unsynced disk
//   writes lost (optionally the last one torn); nothing of the old incarnation ever runs again.
// - restart: a new incarnation boots the program again on what survived on disk.
// - pause: nothing runs on the host; its due timers and arriving data wait, then run in order on resume.

import type { TimerHandle } from '../../core/runtime/clock';
import type { LogLevel, Runtime } from '../../core/runtime';
import type { Transport } from '../../core/runtime/transport';
import type { Simulator } from '../kernel/simulator';
import type { ScheduledEvent } from '../kernel/event-queue';
import { HostClock } from './host-clock';
import { SimDisk } from '../disk/sim-disk';
import { assert } from '../../core/util/assert';

export type HostState = 'up' | 'down' | 'paused';

/** The program a host runs: called at first start and at every restart with that incarnation's runtime. */
export type HostProgram = (runtime: Runtime, host: SimHost) => void;

export interface HostOptions {
  /** Underlay/service IPs the host answers on (tcp:IP:PORT reaches it). */
  ips?: string[];
  driftPpm?: number;
  skewMs?: number;
}

/** Bound on work parked while paused; a host paused that long is a scenario bug. */
export const maxDeferredWhilePaused = 1_000_000;

export interface HostHooks {
  /** Called when the host crashes (after its incarnation ends), e.g. to reset its connections. */
  crashed(host: SimHost): void;
}

export class SimHost {
  readonly clock: HostClock;
  readonly disk: SimDisk;
  readonly ips: readonly string[];
  private stateValue: HostState = 'down';
  private incarnationValue = 0;
  private program: HostProgram | null = null;
  private runtimeValue: Runtime | null = null;
  private deferred: Array<() => void> = [];
  private readonly hooks: HostHooks[] = [];

  constructor(
    readonly sim: Simulator,
    readonly name: string,
    private readonly transportFactory: (host: SimHost) => Transport,
    options: HostOptions = {},
  ) {
    assert(/^[A-Za-z0-9_.-]+$/.test(name), () => `host name "${name}" must be [A-Za-z0-9_.-]+`);
    this.clock = new HostClock(sim, this, options.driftPpm ?? 0, options.skewMs ?? 0);
    this.disk = new SimDisk(name);
    this.ips = options.ips ?? [];
  }

  get state(): HostState {
    return this.stateValue;
  }

  /** Increases at every crash; work tagged with an older incarnation is dropped. */
  get incarnation(): number {
    return this.incarnationValue;
  }

  get runtime(): Runtime {
    assert(this.runtimeValue !== null, () => `host ${this.name} is not running`);
    return this.runtimeValue;
  }

  addHooks(hooks: HostHooks): void {
    this.hooks.push(hooks);
  }

  /** Starts the host running `program` (once; later incarnations reuse it). */
  start(program: HostProgram): void {
    assert(this.program === null, () => `host ${this.name} already started`);
    this.program = program;
    this.boot();
  }

  crash(options: { tearLastWrite?: boolean } = {}): void {
    if (this.stateValue === 'down') return;
    this.sim.record(this.name, `crash${options.tearLastWrite ? ' (tearing last writes)' : ''}`);
    this.stateValue = 'down';
    this.incarnationValue++;
    this.deferred = [];
    this.runtimeValue = null;
    this.disk.crash(this.sim.random.fork(`disk-${this.name}-${this.incarnationValue}`), options.tearLastWrite ?? false);
    for (const h of this.hooks) h.crashed(this);
  }

  restart(): void {
    assert(this.stateValue === 'down', () => `restart ${this.name}: host is ${this.stateValue}, not down`);
    this.sim.record(this.name, 'restart');
    this.boot();
  }

  pause(): void {
    if (this.stateValue !== 'up') return;
    this.sim.record(this.name, 'pause');
    this.stateValue = 'paused';
  }

  resume(): void {
    if (this.stateValue !== 'paused') return;
    this.sim.record(this.name, `resume (${this.deferred.length} deferred)`);
    this.stateValue = 'up';
    const work = this.deferred;
    this.deferred = [];
    for (const fn of work) this.runGuarded(this.incarnationValue, fn);
  }

  /**
   * Schedules work on this host: dropped if the host crashes first, deferred while it is paused.
   * Used for the host's timers and for every delivery to it.
   */
  scheduleGuarded(virtualDelayMs: number, fire: () => void): TimerHandle {
    const timer = new GuardedTimer(this, this.incarnationValue, fire);
    timer.event = this.sim.schedule(virtualDelayMs, timer);
    return timer;
  }

  /** Runs `fn` now on behalf of incarnation `incarnation` (same guard rules as scheduleGuarded). */
  runGuarded(incarnation: number, fn: () => void): void {
    if (incarnation !== this.incarnationValue || this.stateValue === 'down') return;
    if (this.stateValue === 'paused') {
      assert(this.deferred.length < maxDeferredWhilePaused, () => `host ${this.name}: too much work deferred while paused`);
      this.deferred.push(() => fn());
      return;
    }
    fn();
  }

  private boot(): void {
    assert(this.program !== null, 'boot without a program');
    this.stateValue = 'up';
    const incarnation = this.incarnationValue;
    const runtime: Runtime = {
      clock: this.clock,
      random: this.sim.random.fork(`host-${this.name}`).fork(`boot-${incarnation}`),
      transport: this.transportFactory(this),
      storage: this.disk,
      log: (level: LogLevel, module: string, message: string) => {
        if (incarnation === this.incarnationValue) this.sim.record(this.name, `${level} ${module}: ${message}`);
      },
    };
    this.runtimeValue = runtime;
    this.program!(runtime, this);
  }
}

/** One host timer: the event's action and the caller's handle in one object (timers are the hottest path). */
class GuardedTimer implements TimerHandle {
  event: ScheduledEvent | null = null;
  private cancelled = false;

  constructor(
    private readonly host: SimHost,
    private readonly incarnation: number,
    private readonly callback: () => void,
  ) {}

  fire(): void {
    if (this.cancelled) return;
    const host = this.host;
    if (host.state === 'up' && host.incarnation === this.incarnation) this.callback();
    else host.runGuarded(this.incarnation, () => !this.cancelled && this.callback());
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    if (this.event) this.host.sim.cancel(this.event);
  }
}
