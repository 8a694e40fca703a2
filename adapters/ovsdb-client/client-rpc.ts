// One JSON-RPC connection to an OVSDB server for a command-line client, as upstream ovsdb-client's
// blocking jsonrpc: connect, send requests and wait for their replies, receive notifications, answer echo.
// Built from the core's JsonRpcSession over the Node transport; promises exist only here, at the edge.

import type { JsonValue } from '../../core/json';
import { JsonRpcSession, type ReplyOutcome } from '../../core/ovsdb/jsonrpc';
import { NodeClock } from '../node/node-clock';
import { NodeTransport, TransportError } from '../node/node-transport';
import { ToolExit } from './tool-exit';

const strerror: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ECONNREFUSED: 'Connection refused',
  EACCES: 'Permission denied',
  ETIMEDOUT: 'Connection timed out',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ENOTSOCK: 'Socket operation on non-socket',
};

export interface Notification {
  readonly method: string;
  readonly params: JsonValue[];
}

export class ClientRpc {
  private notificationHandler: ((n: Notification) => void) | null = null;
  private closedHandler: ((reason: string) => void) | null = null;

  private constructor(
    readonly name: string,
    private session: JsonRpcSession | null,
  ) {}

  /** Connects to an active remote (unix:PATH, tcp:IP:PORT); fails with upstream's message. */
  static connect(remote: string): Promise<ClientRpc> {
    if (/^(punix|ptcp|pssl):/.test(remote)) {
      return Promise.reject(new ToolExit(`failed to connect to "${remote}" (passive remotes are not supported by ovn-ts ovsdb-client)`));
    }
    if (!/^(unix|tcp|ssl):/.test(remote)) {
      return Promise.reject(new ToolExit(`failed to connect or listen to "${remote}" (Address family not supported by protocol)`));
    }
    const transport = new NodeTransport();
    const clock = new NodeClock({ timersKeepProcessAlive: false });
    return new Promise((resolve, reject) => {
      transport.connect(remote, {
        connected: (connection) => {
          const rpc = new ClientRpc(remote, null);
          rpc.session = new JsonRpcSession(
            connection,
            {
              notification: (_s, method, params) => rpc.notificationHandler?.({ method, params }),
              closed: (_s, reason) => rpc.closedHandler?.(reason),
            },
            { clock, probeIntervalMs: 0 },
          );
          resolve(rpc);
        },
        failed: (error) => {
          const code = error instanceof TransportError ? error.code : undefined;
          const why = code !== undefined && strerror[code] ? strerror[code] : error.message;
          reject(new ToolExit(`failed to connect to "${remote}" (${why})`));
        },
      });
    });
  }

  onNotification(handler: (n: Notification) => void): void {
    this.notificationHandler = handler;
  }

  onClosed(handler: (reason: string) => void): void {
    this.closedHandler = handler;
  }

  request(method: string, params: JsonValue[]): Promise<ReplyOutcome> {
    const session = this.session!;
    return new Promise((resolve) => {
      session.request(method, params, resolve);
    });
  }

  close(): void {
    this.session?.close();
  }
}
