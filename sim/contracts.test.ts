// The shared Transport and Storage contract suites, run against the simulator: the same tests the Node
// adapters pass (adapters/node/*.test.ts), in virtual time.
import { describeStorageContract } from '../core/runtime/contracts/storage.contract';
import { describeTransportContract } from '../core/runtime/contracts/transport.contract';
import type { TransportContractEnv } from '../core/runtime/contracts/contract-env';
import { SimWorld } from './world';
import { SimDisk } from './disk/sim-disk';

function simEnv(world: SimWorld, serverHost: string, clientHost: string, listenAddresses: string[]): TransportContractEnv {
  return {
    serverTransport: world.host(serverHost).runtime.transport,
    clientTransport: world.host(clientHost).runtime.transport,
    listenAddresses,
    waitUntil: async (pred, what, limitMs = 20_000) => {
      world.sim.run({ untilMs: world.sim.now + limitMs, stopWhen: pred });
      if (!pred()) throw new Error(`waited ${limitMs} virtual ms for ${what} (seed ${world.sim.seed})`);
    },
    idle: async (ms) => void world.sim.runFor(ms),
    dispose: async () => void world.sim.run({ untilMs: world.sim.now + 60_000 }),
  };
}

function twoHostWorld(seed: string, chunking: boolean): SimWorld {
  const world = new SimWorld({
    seed,
    network: { latency: { baseMs: 0.3, jitterMs: 0.5 }, chunkSplitProbability: chunking ? 0.3 : 0, traceConnections: false },
  });
  world.spawn('server', () => {}, { ips: ['10.0.0.1'] });
  world.spawn('client', () => {}, { ips: ['10.0.0.2'] });
  return world;
}

describeTransportContract('simulator, one host (unix and tcp)', () =>
  simEnv(twoHostWorld('contract-local', false), 'server', 'server', ['punix:/run/db.sock', 'ptcp:0:10.0.0.1', 'ptcp:6641', 'ptcp:0:127.0.0.1']));

describeTransportContract('simulator, two hosts over tcp with chunking', () =>
  simEnv(twoHostWorld('contract-remote', true), 'server', 'client', ['ptcp:0:10.0.0.1', 'ptcp:6641:10.0.0.1']));

describeStorageContract('simulator disk', () => ({ storage: new SimDisk('contract'), dispose: async () => {} }));
