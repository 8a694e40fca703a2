// Test helper (named .spec.ts so that mocha does not run it and the purity check, which covers only
// production code, skips it): an OpenFlow client over a unix socket and daemon start/stop for tests that
// run real OVS/OVN daemons in a temp dir.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { frameMessages } from './header';
import { decodeMessage, encodeMessage } from './messages/codec';
import type { OfpMessage } from './messages/types';

export const replyTimeoutMs = 20000;
const maxStartupPolls = 200;

export /** A tiny OpenFlow client over a unix socket: send messages, wait for the reply to a barrier. */
class Client {
  private buf = new Uint8Array(0);
  readonly received: OfpMessage[] = [];
  /** Every frame as received, index-aligned with `received`. */
  readonly raw: Uint8Array[] = [];
  private waiters: Array<() => void> = [];
  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      const joined = new Uint8Array(this.buf.length + d.length);
      joined.set(this.buf);
      joined.set(d, this.buf.length);
      const { frames, consumed } = frameMessages(joined);
      this.buf = joined.slice(consumed);
      for (const f of frames) {
        const r = decodeMessage(f);
        if (!r.ok) throw new Error(`cannot decode vswitchd message: ${r.error.message}`);
        if (r.value.type === 'echo_request') this.send({ type: 'echo_reply', xid: r.value.xid, data: r.value.data });
        this.received.push(r.value);
        this.raw.push(f.slice());
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static connect(p: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = net.createConnection(p, () => resolve(new Client(s)));
      s.on('error', reject);
    });
  }

  send(m: OfpMessage): void {
    this.sock.write(encodeMessage(m));
  }

  /** Resolves once a message matching `pred` has arrived. */
  waitFor(pred: (m: OfpMessage) => boolean): Promise<OfpMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for vswitchd')), replyTimeoutMs);
      const check = () => {
        const m = this.received.find(pred);
        if (m) { clearTimeout(timer); resolve(m); } else this.waiters.push(check);
      };
      check();
    });
  }

  async barrier(xid: number): Promise<void> {
    this.send({ type: 'barrier_request', xid });
    await this.waitFor((m) => m.type === 'barrier_reply' && m.xid === xid);
  }

  close(): void {
    this.sock.destroy();
  }
}


/** Daemons started by a test: run as children (never --detach) so that stop() also reaps them. */
export class Daemons {
  private readonly children: ChildProcess[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  start(cmd: string, args: string[]): void {
    this.children.push(spawn(cmd, args, { env: this.env, stdio: 'ignore' }));
  }

  async stopAll(): Promise<void> {
    for (const child of this.children.splice(0).reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

export async function waitForFile(f: string): Promise<void> {
  for (let i = 0; i < maxStartupPolls && !fs.existsSync(f); i++) await new Promise((r) => setTimeout(r, 50));
  if (!fs.existsSync(f)) throw new Error(`${f} did not appear`);
}

/** Sends a flow/group/meter dump request and collects every reply part (until one without REPLY_MORE). */
export async function dumpAll(c: Client, xid: number, body: Extract<OfpMessage, { type: 'multipart_request' }>['body']): Promise<Array<Extract<OfpMessage, { type: 'multipart_reply' }>>> {
  c.send({ type: 'multipart_request', xid, flags: 0, body });
  await c.waitFor((m) => m.type === 'multipart_reply' && m.xid === xid && (m.flags & 1) === 0);
  return c.received.filter((m): m is Extract<OfpMessage, { type: 'multipart_reply' }> => m.type === 'multipart_reply' && m.xid === xid);
}
