// `ovsdb-client lock|steal|unlock [SERVER] LOCK`: sends the request, prints its result and then every
// notification ("locked", "stolen") as its method name and its params, until a signal or the server
// going away, as upstream does (without --detach; the unixctl commands are not offered).

import type { ClientContext } from './client-context';
import type { ClientRpc } from './client-rpc';
import { fatal } from './tool-exit';

export async function doLock(ctx: ClientContext, rpc: ClientRpc, method: 'lock' | 'steal' | 'unlock', lock: string): Promise<void> {
  let ended: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (ended = resolve));
  rpc.onClosed(() => ended());
  rpc.onNotification((n) => {
    ctx.io.stdout(`${n.method}\n`);
    ctx.printJson(n.params);
  });
  const reply = await rpc.request(method, [lock]);
  // Upstream prints only a successful reply's result; an error reply is not printed.
  if (reply.kind === 'result') ctx.printJson(reply.result);
  await closed;
  fatal(`${rpc.name}: receive failed (End of file)`);
}
