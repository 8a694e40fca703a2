// bench:ovsdb — ovn-ts ovsdb-server against upstream ovsdb-server on the same workloads, in one run, with the
// same client (ours, over real unix sockets) for both:
//   1. 20,000 single-row transactions over one connection (16 in flight);
//   2. the same over 8 connections;
//   3. one writer's 1,000 transactions fanned out to 200 monitoring clients (fan-out latency: from sending a
//      transaction to the last monitor receiving its update; median and p99).
// Prints medians of BENCH_RUNS runs (default 3) and the ratio ovn-ts / upstream for each figure.
import { performance } from 'node:perf_hooks';
import { NodeClock, NodeTransport } from '../adapters/node';
import { JsonRpcSession } from '../core/ovsdb/jsonrpc/session';
import type { JsonValue } from '../core/json/value';
import { median } from './median';
import { startServer, type RunningServer, type ServerKind } from './ovsdb-servers';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const schema = process.env.BENCH_SCHEMA ?? '/usr/share/ovn/ovn-nb.ovsschema';
const transport = new NodeTransport();
const clock = new NodeClock();

/** Bound on connect retries when the server's listen backlog is momentarily full (EAGAIN). */
const connectRetriesMax = 200;

function connectOnce(socket: string, onNotify?: (method: string, params: JsonValue[]) => void): Promise<JsonRpcSession> {
  return new Promise((resolve, reject) => {
    transport.connect(`unix:${socket}`, {
      connected: (conn) =>
        resolve(new JsonRpcSession(conn, { notification: (_s, m, p) => onNotify?.(m, p) }, { clock, probeIntervalMs: 0 })),
      failed: reject,
    });
  });
}

async function connect(socket: string, onNotify?: (method: string, params: JsonValue[]) => void): Promise<JsonRpcSession> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connectOnce(socket, onNotify);
    } catch (err) {
      if (attempt >= connectRetriesMax || !/EAGAIN/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

function call(session: JsonRpcSession, method: string, params: JsonValue[]): Promise<JsonValue> {
  return new Promise((resolve, reject) =>
    session.request(method, params, (o) => (o.kind === 'result' ? resolve(o.result) : reject(new Error(JSON.stringify(o))))));
}

const insertSwitch = (name: string): JsonValue[] => ['OVN_Northbound', { op: 'insert', table: 'Logical_Switch', row: { name } }];

/** `count` transactions over `connections` sessions, `window` in flight on each. Returns transactions/s. */
async function transactions(server: RunningServer, count: number, connections: number, window = 16): Promise<number> {
  const sessions = await Promise.all(Array.from({ length: connections }, () => connect(server.socket)));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    sessions.flatMap((s, c) =>
      Array.from({ length: window }, async () => {
        while (next < count) {
          const i = next++;
          const result = (await call(s, 'transact', insertSwitch(`ls-${c}-${i}`))) as Array<{ error?: string }>;
          if (result[0]?.error) throw new Error(`transaction failed: ${JSON.stringify(result)}`);
        }
      })),
  );
  const rate = (count / (performance.now() - t0)) * 1000;
  for (const s of sessions) s.close();
  return rate;
}

/** 200 monitors, one writer, 1,000 sequential transactions; returns [median ms, p99 ms, total s]. */
async function fanOut(server: RunningServer, monitors: number, txns: number): Promise<[number, number, number]> {
  const seen = new Map<string, number>(); // switch name -> monitors that have seen it
  const sentAt = new Map<string, number>();
  const lastAt = new Map<string, number>();
  const onUpdate = (_m: string, params: JsonValue[]) => {
    const updates = params[1] as Record<string, Record<string, { new?: { name?: string } }>>;
    for (const row of Object.values(updates.Logical_Switch ?? {})) {
      const name = row.new?.name;
      if (!name) continue;
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      if (n === monitors) lastAt.set(name, performance.now());
    }
  };
  // Connect in small batches: a unix socket's listen backlog is short (connect fails with EAGAIN when full).
  const sessions: JsonRpcSession[] = [];
  while (sessions.length < monitors) {
    const batch = Math.min(16, monitors - sessions.length);
    sessions.push(...(await Promise.all(Array.from({ length: batch }, () => connect(server.socket, onUpdate)))));
  }
  await Promise.all(sessions.map((s, i) =>
    call(s, 'monitor', ['OVN_Northbound', `m${i}`, { Logical_Switch: { columns: ['name'] } }])));
  const writer = await connect(server.socket);
  const t0 = performance.now();
  for (let i = 0; i < txns; i++) {
    const name = `fan-${i}`;
    sentAt.set(name, performance.now());
    await call(writer, 'transact', insertSwitch(name));
  }
  while (lastAt.size < txns) await new Promise((r) => setTimeout(r, 5));
  const total = (performance.now() - t0) / 1000;
  const latencies = [...lastAt].map(([name, t]) => t - sentAt.get(name)!).sort((a, b) => a - b);
  for (const s of [...sessions, writer]) s.close();
  return [median(latencies), latencies[Math.floor(latencies.length * 0.99)]!, total];
}

async function measure(kind: ServerKind): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {};
  const add = (k: string, v: number) => (samples[k] ??= []).push(v);
  for (let r = 0; r < runs; r++) {
    for (const [label, conns] of [['txn/s, 1 connection', 1], ['txn/s, 8 connections', 8]] as const) {
      const server = await startServer(kind, schema);
      try {
        add(label, await transactions(server, 20_000, conns));
      } finally {
        server.stop();
      }
    }
    const server = await startServer(kind, schema);
    try {
      const [med, p99, total] = await fanOut(server, 200, 1_000);
      add('fan-out latency median ms (200 monitors)', med);
      add('fan-out latency p99 ms', p99);
      add('fan-out total s (1,000 txns)', total);
    } finally {
      server.stop();
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

async function main(): Promise<void> {
  console.log(`bench:ovsdb — medians of ${runs} runs, schema ${schema}`);
  const upstream = await measure('upstream');
  let ours: Record<string, number> | null = null;
  try {
    ours = await measure('ovn-ts');
  } catch (err) {
    console.log(`ovn-ts ovsdb-server could not be measured: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
  console.log('| measure | upstream ovsdb-server | ovn-ts | ovn-ts / upstream |');
  console.log('|---|---|---|---|');
  for (const k of Object.keys(upstream)) {
    const u = upstream[k]!;
    const o = ours?.[k];
    console.log(`| ${k} | ${u.toFixed(1)} | ${o === undefined ? '—' : o.toFixed(1)} | ${o === undefined ? '—' : (o / u).toFixed(2)} |`);
  }
}

main().catch((err) => {
  console.error(`bench:ovsdb failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
