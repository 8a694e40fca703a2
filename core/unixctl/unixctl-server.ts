// The control socket every OVS/OVN daemon serves (`ovs-appctl -t SOCKET COMMAND ARGS...`): JSON-RPC over a
// unix socket where the method is the command name, params are string arguments, and the reply's result
// (success) or error is one text, newline-terminated. Facts follow upstream lib/unixctl.c: built-in
// `list-commands` and `version`, argument-count errors worded the same, one request at a time per connection.

import type { Clock } from '../runtime/clock';
import type { Connection, Listener, Transport } from '../runtime/transport';
import { JsonRpcSession, type IncomingRequest } from '../ovsdb/jsonrpc/session';
import type { JsonValue } from '../json/value';
import { assert } from '../util/assert';

/** What a command handler returns: its output text, or an error text. */
export type CommandOutcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

export interface UnixctlCommand {
  readonly name: string;
  /** Shown by list-commands, e.g. "[DB]...". */
  readonly usage: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Replies through `reply` exactly once, now or later (e.g. after a compaction finishes). */
  readonly run: (args: readonly string[], reply: (outcome: CommandOutcome) => void) => void;
}

export const ok = (text = ''): CommandOutcome => ({ ok: true, text });
export const fail = (error: string): CommandOutcome => ({ ok: false, error });

/** Bound on requests queued on one connection while an earlier one is being answered. */
export const maxQueuedRequestsPerConnection = 64;

export interface UnixctlServerOptions {
  readonly transport: Transport;
  readonly clock: Clock;
  /** punix:PATH */
  readonly address: string;
  /** What `version` answers, e.g. "ovn-ts ovsdb-server 0.1.0". */
  readonly version: string;
  readonly log?: (message: string) => void;
}

function withNewline(text: string): string {
  return text !== '' && !text.endsWith('\n') ? text + '\n' : text;
}

export class UnixctlServer {
  private readonly commands = new Map<string, UnixctlCommand>();
  private readonly listener: Listener;
  private readonly sessions = new Set<JsonRpcSession>();

  constructor(private readonly options: UnixctlServerOptions, onReady?: (error: Error | null) => void) {
    this.register({ name: 'list-commands', usage: '', minArgs: 0, maxArgs: 0, run: (_a, reply) => reply(ok(this.listCommands())) });
    this.register({ name: 'version', usage: '', minArgs: 0, maxArgs: 0, run: (_a, reply) => reply(ok(options.version)) });
    this.listener = options.transport.listen(options.address, {
      accepted: (conn) => this.accept(conn),
      listening: () => onReady?.(null),
      failed: (err) => {
        options.log?.(`could not initialize control socket ${options.address}: ${err.message}`);
        onReady?.(err);
      },
    });
  }

  register(command: UnixctlCommand): void {
    assert(!this.commands.has(command.name), () => `unixctl command ${command.name} registered twice`);
    assert(command.minArgs >= 0 && command.maxArgs >= command.minArgs, () => `unixctl ${command.name}: bad argument bounds`);
    this.commands.set(command.name, command);
  }

  close(): void {
    this.listener.close();
    for (const s of this.sessions) s.close('control server closing');
    this.sessions.clear();
  }

  private listCommands(): string {
    const lines = [...this.commands.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => `  ${c.name.padEnd(23)} ${c.usage}`);
    return `The available commands are:\n${lines.join('\n')}\n`;
  }

  private accept(conn: Connection): void {
    const queue: IncomingRequest[] = [];
    let busy = false;
    const next = (session: JsonRpcSession) => {
      const request = queue.shift();
      if (!request) {
        busy = false;
        return;
      }
      busy = true;
      let replied = false;
      this.dispatch(request, (outcome) => {
        assert(!replied, () => `unixctl ${request.method}: replied twice`);
        replied = true;
        if (!session.isOpen) return;
        if (outcome.ok) session.reply(request.id, withNewline(outcome.text));
        else session.replyError(request.id, withNewline(outcome.error));
        next(session);
      });
    };
    const session = new JsonRpcSession(
      conn,
      {
        request: (s, request) => {
          if (queue.length >= maxQueuedRequestsPerConnection) {
            s.close(`more than ${maxQueuedRequestsPerConnection} queued control requests`);
            return;
          }
          queue.push(request);
          if (!busy) next(s);
        },
        notification: (s, method) => s.close(`unexpected notification "${method}" on control connection`),
        closed: (s) => this.sessions.delete(s),
      },
      { clock: this.options.clock, probeIntervalMs: 0 },
    );
    this.sessions.add(session);
  }

  private dispatch(request: IncomingRequest, reply: (outcome: CommandOutcome) => void): void {
    const { method, params } = request;
    const command = this.commands.get(method);
    if (!command) {
      return reply(fail(`"${method}" is not a valid command (use "list-commands" to see a list of valid commands)`));
    }
    if (params.length < command.minArgs) return reply(fail(`"${method}" command requires at least ${command.minArgs} arguments`));
    if (params.length > command.maxArgs) return reply(fail(`"${method}" command takes at most ${command.maxArgs} arguments`));
    if (!params.every((p: JsonValue) => typeof p === 'string')) return reply(fail(`"${method}" command has non-string argument`));
    try {
      command.run(params as string[], reply);
    } catch (err) {
      reply(fail(`"${method}" failed: ${err instanceof Error ? err.message : String(err)}`));
    }
  }
}
