import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeClock, NodeTransport } from '../../adapters/node';
import { UnixctlServer, fail, ok } from './unixctl-server';
import { upstreamOrSkip } from '../../test-support/upstream';

function appctl(socket: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('ovs-appctl', ['-t', socket, ...args], { timeout: 10_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe('UnixctlServer against the real ovs-appctl', function () {
  let dir: string;
  let socket: string;
  let server: UnixctlServer;
  let deferred: ((text: string) => void) | null = null;

  before(function () {
    upstreamOrSkip(this, 'ovs-appctl');
  });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-ts-unixctl-'));
    socket = path.join(dir, 'test.ctl');
    await new Promise<void>((resolve, reject) => {
      server = new UnixctlServer(
        { transport: new NodeTransport(), clock: new NodeClock(), address: `punix:${socket}`, version: 'ovn-ts test 0.1' },
        (err) => (err ? reject(err) : resolve()),
      );
    });
    server.register({ name: 'echo/args', usage: 'ARG...', minArgs: 1, maxArgs: 3, run: (args, reply) => reply(ok(args.join('|'))) });
    server.register({ name: 'always/fails', usage: '', minArgs: 0, maxArgs: 0, run: (_a, reply) => reply(fail('it failed on purpose')) });
    server.register({ name: 'later', usage: '', minArgs: 0, maxArgs: 0, run: (_a, reply) => (deferred = (t) => reply(ok(t))) });
  });

  afterEach(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers commands, version and list-commands as upstream formats them', async () => {
    assert.deepEqual(await appctl(socket, 'echo/args', 'a', 'b'), { code: 0, stdout: 'a|b\n', stderr: '' });
    assert.equal((await appctl(socket, 'version')).stdout, 'ovn-ts test 0.1\n');
    const list = (await appctl(socket, 'list-commands')).stdout;
    assert.equal(list.split('\n')[0], 'The available commands are:');
    assert.match(list, /^ {2}echo\/args {15}ARG\.\.\.$/m);
  });

  it('reports errors like upstream: unknown command, argument counts, command failure', async () => {
    const unknown = await appctl(socket, 'no/such');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /"no\/such" is not a valid command \(use "list-commands" to see a list of valid commands\)/);
    assert.match((await appctl(socket, 'echo/args')).stderr, /"echo\/args" command requires at least 1 arguments/);
    assert.match((await appctl(socket, 'echo/args', '1', '2', '3', '4')).stderr, /"echo\/args" command takes at most 3 arguments/);
    const failed = await appctl(socket, 'always/fails');
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /it failed on purpose/);
  });

  it('lets a command reply later', async () => {
    const pending = appctl(socket, 'later');
    while (!deferred) await new Promise((r) => setTimeout(r, 5));
    deferred('done later');
    assert.equal((await pending).stdout, 'done later\n');
  });
});
