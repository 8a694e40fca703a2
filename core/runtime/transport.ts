// Stream transport: ordered, reliable byte streams between endpoints, addressed the OVSDB way
// (see address.ts). Implemented by the simulator (sim/net) and by Node sockets (adapters/node).
//
// Rules:
// - All callbacks are plain callbacks, called one at a time; none is called synchronously from inside the
//   call that caused it (listen/connect/send/close return first). No promises (see clock.ts).
// - Bytes sent on a connection arrive in order, possibly split or coalesced differently than they were sent:
//   receivers must frame their own messages.
// - A connection ends exactly once for each side: `closed` is called once, with the reason, after the last
//   `data`. After close() on one side, the other side sees `closed` once buffered data has arrived.
// - Data that arrives before a handler is set is buffered and delivered (on a later turn) when setHandler()
//   is called. setHandler() may be called again to replace the handler.
// - send() copies the bytes it is given (the caller may reuse its buffer at once); arrays handed to data()
//   belong to the receiver, which may keep them.
// - A listen failure with no `failed` callback is thrown from a later event: never silently ignored.

export type CloseReason =
  | 'local-close' // this side called close()
  | 'remote-close' // the peer closed cleanly
  | 'reset' // the connection broke: peer crashed, partition outlasted the timeout, socket error
  | 'host-crash'; // this side's own host crashed (simulator only)

export interface ConnectionHandler {
  data(bytes: Uint8Array): void;
  closed(reason: CloseReason, detail?: string): void;
}

export interface Connection {
  /** A name for logs, e.g. "tcp:10.0.0.1:6641<-10.0.0.2:40001". */
  readonly name: string;
  /** The peer's address in active form: tcp:IP:PORT, or unix:PATH for unix sockets. */
  readonly remoteAddress: string;
  /** Queues bytes for the peer. Ignored (not an error) once the connection is closed. */
  send(bytes: Uint8Array): void;
  /** Bytes queued but not yet handed to the network (for back-pressure decisions). */
  bufferedBytes(): number;
  close(): void;
  setHandler(handler: ConnectionHandler): void;
  readonly isOpen: boolean;
}

export interface ListenCallbacks {
  accepted(connection: Connection): void;
  /** Called once listening starts, with the bound address (the real port for ptcp:0). */
  listening?(boundAddress: string): void;
  /** Called once if listening cannot start or stops with an error. */
  failed?(error: Error): void;
}

export interface Listener {
  readonly address: string;
  close(): void;
}

export interface ConnectCallbacks {
  connected(connection: Connection): void;
  failed(error: Error): void;
}

export interface PendingConnect {
  /** Abandons the attempt: neither callback is called afterwards. */
  cancel(): void;
}

export interface Transport {
  /** `address` is passive: punix:PATH, ptcp:[PORT][:HOST]. */
  listen(address: string, callbacks: ListenCallbacks): Listener;
  /** `address` is active: unix:PATH, tcp:HOST[:PORT]. */
  connect(address: string, callbacks: ConnectCallbacks): PendingConnect;
}
