// The bookkeeping behind transport.contract.ts: recording handlers, listeners and clients that remember
// every callback, and a guard that catches callbacks made from inside the call that caused them.
// Pure (core/runtime interfaces only), so the suite runs against the simulator as well as Node.

import { activeFor, formatActiveAddress, parsePassiveAddress } from '../address';
import type { CloseReason, Connection, ConnectionHandler, Listener, PendingConnect } from '../transport';
import type { TransportContractEnv } from './contract-env';
import { ContractViolation, check, concatBytes } from './contract-checks';

/** transport.ts: "none is called synchronously from inside the call that caused it". */
export class SyncGuard {
  private depth = 0;
  private readonly calls: string[] = [];
  readonly violations: string[] = [];

  /** Runs one Transport/Connection/Listener call; any callback made meanwhile is a violation. */
  call<T>(what: string, action: () => T): T {
    this.depth++;
    this.calls.push(what);
    try {
      return action();
    } finally {
      this.depth--;
      this.calls.pop();
    }
  }

  callback(name: string): void {
    if (this.depth > 0) this.violations.push(`${name} was called synchronously from inside ${this.calls.join(' > ')}`);
  }

  violation(text: string): void {
    this.violations.push(text);
  }
}

export interface ClosedEvent {
  readonly reason: CloseReason;
  readonly detail: string | undefined;
}

/** A ConnectionHandler that keeps everything it is given and checks the ordering rules as it goes. */
export class Recorder implements ConnectionHandler {
  readonly chunks: Uint8Array[] = [];
  received = 0;
  readonly closes: ClosedEvent[] = [];

  constructor(
    private readonly guard: SyncGuard,
    readonly label: string,
    private readonly onData?: (bytes: Uint8Array) => void,
  ) {}

  data(bytes: Uint8Array): void {
    this.guard.callback(`${this.label}.data`);
    if (!(bytes instanceof Uint8Array)) this.guard.violation(`${this.label}.data got a ${typeof bytes}, not bytes`);
    if (this.closes.length > 0) this.guard.violation(`${this.label}.data after closed(${this.closes[0]!.reason})`);
    // Kept without copying: a receiver may hold on to delivered bytes (parsers keep partial messages).
    this.chunks.push(bytes);
    this.received += bytes.length;
    this.onData?.(bytes);
  }

  closed(reason: CloseReason, detail?: string): void {
    this.guard.callback(`${this.label}.closed`);
    if (this.closes.length > 0) {
      this.guard.violation(`${this.label}.closed called again (${reason}) after closed(${this.closes[0]!.reason})`);
    }
    this.closes.push({ reason, detail });
  }

  bytes(): Uint8Array {
    return concatBytes(this.chunks);
  }
}

export interface Accepted {
  readonly connection: Connection;
  readonly recorder: Recorder | null;
}

/** One listener and what it reported; `listener` is set right after listen() returns. */
export class ServerEnd {
  listener!: Listener;
  bound: string | null = null;
  error: Error | null = null;
  readonly accepted: Accepted[] = [];
  constructor(readonly requested: string) {}
}

export interface ServerOptions {
  /** Set a recording handler on accept (default true); false leaves the connection without a handler. */
  readonly record?: boolean;
  /** Send back whatever arrives. */
  readonly echo?: boolean;
  /** Sent to each client right after accepting it. */
  readonly greeting?: Uint8Array;
}

/** One connect attempt and its outcome; `pending` is set right after connect() returns. */
export class ClientEnd {
  pending!: PendingConnect;
  connection: Connection | null = null;
  recorder: Recorder | null = null;
  error: Error | null = null;
  constructor(readonly address: string) {}
}

export interface Pair {
  readonly server: ServerEnd & { bound: string };
  readonly client: ClientEnd;
  readonly serverConnection: Connection;
  readonly serverRecorder: Recorder;
  readonly clientConnection: Connection;
  readonly clientRecorder: Recorder;
}

/** The client-side address for a bound passive address (ptcp:0.0.0.0 becomes loopback, punix: unix:). */
export function activeAddressFor(bound: string): string {
  return formatActiveAddress(activeFor(parsePassiveAddress(bound)));
}

/** One test's world: the env, the guard, and everything opened (closed again by closeAll). */
export class TransportWorld {
  readonly guard = new SyncGuard();
  private readonly listeners: Listener[] = [];
  private readonly connections: Connection[] = [];
  private readonly pendings: PendingConnect[] = [];
  private serverCount = 0;
  private clientCount = 0;

  constructor(readonly env: TransportContractEnv) {}

  listen(address: string, options: ServerOptions = {}): ServerEnd {
    const guard = this.guard;
    const end = new ServerEnd(address);
    const accepted = end.accepted;
    end.listener = guard.call(`listen(${address})`, () =>
      this.env.serverTransport.listen(address, {
        accepted: (connection) => {
          guard.callback(`accepted on ${address}`);
          this.connections.push(connection);
          let recorder: Recorder | null = null;
          if (options.record !== false) {
            const onData = options.echo
              ? (bytes: Uint8Array) => guard.call('send (echo)', () => connection.send(bytes))
              : undefined;
            recorder = new Recorder(guard, `server#${++this.serverCount}`, onData);
            const handler = recorder;
            guard.call('setHandler', () => connection.setHandler(handler));
          }
          const greeting = options.greeting;
          if (greeting) guard.call('send (greeting)', () => connection.send(greeting));
          accepted.push({ connection, recorder });
        },
        listening: (bound) => {
          guard.callback(`listening on ${address}`);
          if (end.bound !== null) guard.violation(`listening(${bound}) called again for ${address}`);
          end.bound = bound;
        },
        failed: (error) => {
          guard.callback(`listen failed on ${address}`);
          if (end.error !== null) guard.violation(`listen failed() called again for ${address}`);
          end.error = error;
        },
      }),
    );
    this.listeners.push(end.listener);
    return end;
  }

  /** Listens and waits for listening(); a listen failure fails the test with its message. */
  async listenReady(address: string, options: ServerOptions = {}): Promise<ServerEnd & { bound: string }> {
    const end = this.listen(address, options);
    await this.env.waitUntil(() => end.bound !== null || end.error !== null, `listening on ${address}`);
    if (end.error !== null) throw new ContractViolation(`listen on ${address} failed: ${end.error.message}`);
    check(end.bound !== null, `listen on ${address}: no bound address`);
    return end as ServerEnd & { bound: string };
  }

  connect(address: string, record = true): ClientEnd {
    const guard = this.guard;
    const end = new ClientEnd(address);
    end.pending = guard.call(`connect(${address})`, () =>
      this.env.clientTransport.connect(address, {
        connected: (connection) => {
          guard.callback(`connected to ${address}`);
          if (end.connection !== null || end.error !== null) guard.violation(`second outcome for connect(${address})`);
          this.connections.push(connection);
          end.connection = connection;
          if (record) {
            const recorder = new Recorder(guard, `client#${++this.clientCount}`);
            end.recorder = recorder;
            guard.call('setHandler', () => connection.setHandler(recorder));
          }
        },
        failed: (error) => {
          guard.callback(`connect failed to ${address}`);
          if (end.connection !== null || end.error !== null) guard.violation(`second outcome for connect(${address})`);
          end.error = error;
        },
      }),
    );
    this.pendings.push(end.pending);
    return end;
  }

  async connectReady(address: string): Promise<ClientEnd & { connection: Connection; recorder: Recorder }> {
    const end = this.connect(address);
    await this.env.waitUntil(() => end.connection !== null || end.error !== null, `connecting to ${address}`);
    if (end.error !== null) throw new ContractViolation(`connect to ${address} failed: ${end.error.message}`);
    return end as ClientEnd & { connection: Connection; recorder: Recorder };
  }

  /** A listener on `listenAddress` and one client connected to it, both with recording handlers. */
  async pair(listenAddress: string, options: ServerOptions = {}): Promise<Pair> {
    const server = await this.listenReady(listenAddress, options);
    const client = await this.connectReady(activeAddressFor(server.bound));
    await this.env.waitUntil(() => server.accepted.length === 1, `accepting the client on ${server.bound}`);
    const accepted = server.accepted[0]!;
    check(accepted.recorder !== null, 'pair(): the server must record');
    return {
      server,
      client,
      serverConnection: accepted.connection,
      serverRecorder: accepted.recorder,
      clientConnection: client.connection,
      clientRecorder: client.recorder,
    };
  }

  checkNoViolations(): void {
    check(this.guard.violations.length === 0, () => `transport rules broken:\n  ${this.guard.violations.join('\n  ')}`);
  }

  closeAll(): void {
    for (const p of this.pendings) p.cancel();
    for (const c of this.connections) c.close();
    for (const l of this.listeners) l.close();
  }
}
