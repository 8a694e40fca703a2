// The world a core component is handed. Import these interfaces, never Node's modules, from core/.
export type { Clock, TimerHandle } from './clock';
export type { Random } from './random';
export { SeededRandom } from './seeded-random';
export type {
  Transport,
  Connection,
  ConnectionHandler,
  CloseReason,
  Listener,
  ListenCallbacks,
  ConnectCallbacks,
  PendingConnect,
} from './transport';
export type { Nic } from './datagram';
export { type Storage, StorageError } from './storage';
export * from './address';

import type { Clock } from './clock';
import type { Random } from './random';
import type { Transport } from './transport';
import type { Storage } from './storage';

/** Everything a process needs from its host; handed to components as one value. */
export interface Runtime {
  readonly clock: Clock;
  readonly random: Random;
  readonly transport: Transport;
  readonly storage: Storage;
  /** Diagnostic log line (the simulator also records it in the run's trace). */
  log(level: LogLevel, module: string, message: string): void;
}

export type LogLevel = 'dbg' | 'info' | 'warn' | 'err' | 'emer';
