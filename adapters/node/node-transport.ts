// The production Transport (core/runtime/transport.ts) over Node's `net`: punix:/ptcp: listeners and
// unix:/tcp: connections. ssl:/pssl: are parsed but refused through failed() until TLS is implemented.
// Every callback runs on a later turn of the event loop than the call that caused it: Node's own socket
// events already do, and the errors we detect ourselves are reported through setImmediate.

import * as fs from 'node:fs';
import * as net from 'node:net';
import {
  formatPassiveAddress,
  parseActiveAddress,
  parsePassiveAddress,
  type PassiveAddress,
} from '../../core/runtime/address';
import type {
  ConnectCallbacks,
  ListenCallbacks,
  Listener,
  PendingConnect,
  Transport,
} from '../../core/runtime/transport';
import { NodeConnection, type NodeConnectionLimits } from './node-connection';

export interface NodeTransportOptions {
  /** A connect attempt that has neither succeeded nor failed after this long fails (SYNs to a dead host). */
  readonly connectTimeoutMs?: number;
  /** See NodeConnectionLimits.closeLingerMs. */
  readonly closeLingerMs?: number;
  /** See NodeConnectionLimits.maxUnhandledBytes. */
  readonly maxUnhandledBytes?: number;
}

export const defaultConnectTimeoutMs = 60_000;
export const defaultCloseLingerMs = 10_000;
export const defaultMaxUnhandledBytes = 16 * 1024 * 1024;

export class TransportError extends Error {
  constructor(
    readonly address: string,
    message: string,
    /** The Node error code when there is one (ECONNREFUSED, EADDRINUSE, ENOENT...). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hostPort(host: string | undefined, port: number | undefined): string {
  const h = host ?? '?';
  return `${h.includes(':') ? `[${h}]` : h}:${port ?? '?'}`;
}

export class NodeTransport implements Transport {
  private readonly limits: NodeConnectionLimits;
  private readonly connectTimeoutMs: number;

  constructor(options: NodeTransportOptions = {}) {
    this.limits = {
      maxUnhandledBytes: options.maxUnhandledBytes ?? defaultMaxUnhandledBytes,
      closeLingerMs: options.closeLingerMs ?? defaultCloseLingerMs,
    };
    this.connectTimeoutMs = options.connectTimeoutMs ?? defaultConnectTimeoutMs;
  }

  listen(address: string, callbacks: ListenCallbacks): Listener {
    let parsed: PassiveAddress;
    try {
      parsed = parsePassiveAddress(address);
    } catch (error) {
      return failedListener(address, callbacks, new TransportError(address, messageOf(error)));
    }
    if (parsed.kind === 'ptcp' && parsed.tls) {
      return failedListener(
        address,
        callbacks,
        new TransportError(address, `listen on ${address}: pssl (TLS) is not supported yet; use ptcp or punix`),
      );
    }
    return new NodeListener(address, parsed, callbacks, this.limits);
  }

  connect(address: string, callbacks: ConnectCallbacks): PendingConnect {
    let cancelled = false;
    const failLater = (error: TransportError): PendingConnect => {
      setImmediate(() => {
        if (!cancelled) callbacks.failed(error);
      });
      return { cancel: () => void (cancelled = true) };
    };
    let target;
    try {
      target = parseActiveAddress(address);
    } catch (error) {
      return failLater(new TransportError(address, messageOf(error)));
    }
    if (target.kind === 'tcp' && target.tls) {
      return failLater(
        new TransportError(address, `connect to ${address}: ssl (TLS) is not supported yet; use tcp or unix`),
      );
    }
    const socket =
      target.kind === 'unix'
        ? net.createConnection({ path: target.path })
        : net.createConnection({ host: target.host, port: target.port, noDelay: true });
    let settled = false;
    const settle = (): boolean => {
      if (settled || cancelled) return false;
      settled = true;
      clearTimeout(timer);
      return true;
    };
    const timer = setTimeout(() => {
      if (!settle()) return;
      socket.destroy();
      callbacks.failed(
        new TransportError(address, `connect to ${address} failed: no answer within ${this.connectTimeoutMs} ms`, 'ETIMEDOUT'),
      );
    }, this.connectTimeoutMs);
    socket.on('error', (error: Error) => {
      // After `connected` the NodeConnection reports socket errors; this listener only covers connecting.
      if (!settle()) return;
      socket.destroy();
      callbacks.failed(new TransportError(address, `connect to ${address} failed: ${error.message}`, errorCode(error)));
    });
    socket.once('connect', () => {
      if (!settle()) return;
      let name: string;
      let remote: string;
      if (target.kind === 'unix') {
        name = remote = `unix:${target.path}`;
      } else {
        socket.setNoDelay(true);
        remote = `tcp:${hostPort(socket.remoteAddress, socket.remotePort)}`;
        name = `tcp:${hostPort(socket.localAddress, socket.localPort)}->${hostPort(socket.remoteAddress, socket.remotePort)}`;
      }
      callbacks.connected(new NodeConnection(socket, name, remote, this.limits));
    });
    return {
      cancel: (): void => {
        if (settled || cancelled) return;
        cancelled = true;
        clearTimeout(timer);
        socket.destroy();
      },
    };
  }
}

/** A listener that never started: reports `error` through failed() on a later turn. */
function failedListener(address: string, callbacks: ListenCallbacks, error: Error): Listener {
  let closed = false;
  setImmediate(() => {
    if (closed) return;
    // ListenCallbacks.failed is optional, but a listener that silently never listens would hide the problem.
    if (callbacks.failed === undefined) throw error;
    callbacks.failed(error);
  });
  return { address, close: () => void (closed = true) };
}

class NodeListener implements Listener {
  private readonly server: net.Server;
  private boundAddress: string | null = null;
  private closed = false;
  private failedOnce = false;
  private acceptedCount = 0;

  constructor(
    private readonly requested: string,
    private readonly parsed: PassiveAddress,
    private readonly callbacks: ListenCallbacks,
    private readonly limits: NodeConnectionLimits,
  ) {
    this.server = net.createServer();
    this.server.on('connection', (socket: net.Socket) => this.onConnection(socket));
    this.server.on('error', (error: Error) => this.fail(error));
    this.server.on('listening', () => this.onListening());
    if (parsed.kind === 'punix') {
      try {
        removeStaleSocket(parsed.path);
      } catch (error) {
        setImmediate(() => this.fail(error));
        return;
      }
      this.server.listen(parsed.path);
    } else {
      this.server.listen({ port: parsed.port, host: parsed.host });
    }
  }

  get address(): string {
    return this.boundAddress ?? this.requested;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Accepted connections stay open, as with upstream's pstream_close(); only new ones are refused.
    if (this.server.listening) this.server.close();
    if (this.parsed.kind === 'punix' && this.boundAddress !== null) removeOwnSocket(this.parsed.path);
  }

  private onListening(): void {
    if (this.closed) {
      // close() came before the bind finished: undo the bind now.
      this.server.close();
      if (this.parsed.kind === 'punix') removeOwnSocket(this.parsed.path);
      return;
    }
    if (this.parsed.kind === 'punix') {
      this.boundAddress = `punix:${this.parsed.path}`;
    } else {
      const info = this.server.address() as net.AddressInfo;
      this.boundAddress = formatPassiveAddress({ kind: 'ptcp', host: info.address, port: info.port, tls: false });
    }
    this.callbacks.listening?.(this.boundAddress);
  }

  private onConnection(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.acceptedCount++;
    let name: string;
    let remote: string;
    if (this.parsed.kind === 'punix') {
      // Unix peers have no address of their own; number them so log lines can tell them apart.
      remote = `unix:${this.parsed.path}`;
      name = `unix:${this.parsed.path}<-#${this.acceptedCount}`;
    } else {
      socket.setNoDelay(true);
      remote = `tcp:${hostPort(socket.remoteAddress, socket.remotePort)}`;
      name = `tcp:${hostPort(socket.localAddress, socket.localPort)}<-${hostPort(socket.remoteAddress, socket.remotePort)}`;
    }
    this.callbacks.accepted(new NodeConnection(socket, name, remote, this.limits));
  }

  private fail(error: unknown): void {
    if (this.closed || this.failedOnce) return;
    this.failedOnce = true;
    this.closed = true;
    if (this.server.listening) this.server.close();
    const wrapped = new TransportError(
      this.requested,
      `listen on ${this.requested} failed: ${messageOf(error)}`,
      errorCode(error),
    );
    if (this.callbacks.failed === undefined) throw wrapped;
    this.callbacks.failed(wrapped);
  }
}

/**
 * ovsdb-server unlinks a leftover socket file before binding (a previous run that crashed leaves one behind).
 * We do the same, but only for a socket: any other kind of file at that path is an error, not ours to delete.
 */
function removeStaleSocket(path: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw new Error(`cannot inspect ${path}: ${messageOf(error)}`);
  }
  if (stat === undefined) return;
  if (!stat.isSocket()) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
  fs.unlinkSync(path);
}

/** Removes the socket file we bound, if it is still there (libuv normally unlinks it on close). */
function removeOwnSocket(path: string): void {
  try {
    if (fs.lstatSync(path, { throwIfNoEntry: false })?.isSocket()) fs.unlinkSync(path);
  } catch {
    // Best effort: the file may vanish between the check and the unlink; nothing else to clean.
  }
}
