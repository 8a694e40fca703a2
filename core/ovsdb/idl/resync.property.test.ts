// Property (fast-check, real upstream ovsdb-server): a replica that drops its connection while the database
// changes, and resyncs with monitor_cond_since (found=true: only the changes), ends equal to a fresh replica
// and to ovsdb-client dump.
// Replay a failure with IDL_PROPERTY_SEED=<seed printed below>.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { GatedTransport, dumpReplica, dumpServer, makeIdl, nbSchema, nbctl, sleep, startNb, waitFor, type NbServer, type TestIdl } from './upstream-harness.test';

type Op =
  | { readonly kind: 'ls-add' | 'ls-del'; readonly sw: number }
  | { readonly kind: 'set-cfg'; readonly sw: number; readonly key: string; readonly value: string }
  | { readonly kind: 'lsp-add' | 'lsp-del'; readonly sw: number; readonly port: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('ls-add' as const, 'ls-del' as const), sw: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('set-cfg' as const), sw: fc.integer({ min: 0, max: 3 }), key: fc.constantFrom('a', 'b'), value: fc.constantFrom('1', '2', 'x y') }),
  fc.record({ kind: fc.constantFrom('lsp-add' as const, 'lsp-del' as const), sw: fc.integer({ min: 0, max: 3 }), port: fc.integer({ min: 0, max: 3 }) }),
);

function apply(nb: NbServer, op: Op): void {
  const sw = `psw${op.sw}`;
  switch (op.kind) {
    case 'ls-add':
      nbctl(nb, '--may-exist', 'ls-add', sw);
      return;
    case 'ls-del':
      nbctl(nb, '--if-exists', 'ls-del', sw);
      return;
    case 'set-cfg':
      nbctl(nb, '--may-exist', 'ls-add', sw, '--', 'set', 'Logical_Switch', sw, `other_config:${op.key}="${op.value}"`);
      return;
    case 'lsp-add':
      nbctl(nb, '--may-exist', 'ls-add', sw, '--', '--may-exist', 'lsp-add', sw, `${sw}-p${op.port}`);
      return;
    case 'lsp-del':
      nbctl(nb, '--if-exists', 'lsp-del', `${sw}-p${op.port}`);
      return;
  }
}

function canonical(t: TestIdl): string {
  return JSON.stringify([...dumpReplica(t.idl.replica!)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort(([a], [b]) => (a < b ? -1 : 1)).map(([u, r]) => [u, Object.entries(r).sort()])]));
}

function serverCanonical(nb: NbServer): string {
  return JSON.stringify([...dumpServer(nb, nbSchema())].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort(([a], [b]) => (a < b ? -1 : 1)).map(([u, r]) => [u, Object.entries(r).sort()])]));
}

describe('IDL resync property against upstream ovsdb-server', function () {
  this.timeout(120000);
  let nb: NbServer;

  before(async function () {
    upstreamOrSkip(this, 'ovsdb-server', 'ovsdb-tool', 'ovsdb-client', 'ovn-nbctl');
    nb = await startNb('idl-prop', true);
    // ovsdb-server keeps transaction history only while it holds fewer atoms than the database
    // (ovsdb/transaction.c): a filler row keeps the history long enough for monitor_cond_since to resume.
    const addresses = Array.from({ length: 2000 }, (_, i) => `"10.${i >> 8}.${i & 255}.1"`).join(',');
    nbctl(nb, 'create', 'Address_Set', 'name=filler', `addresses=[${addresses}]`);
    // The filler's own big transaction is the first the server drops from its history: make sure the txn id
    // a new replica starts from is a later, small one.
    nbctl(nb, 'ls-add', 'warmup');
  });

  after(async function () {
    if (nb) await nb.stop();
  });

  it('a replica resynced with monitor_cond_since equals a fresh replica', async function () {
    const seed = Number(process.env.IDL_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`      IDL resync property seed=${seed} (replay: IDL_PROPERTY_SEED=${seed})`);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 5 }), fc.array(opArb, { minLength: 1, maxLength: 6 }), fc.array(opArb, { maxLength: 3 }), async (before, away, after) => {
        const gate = new GatedTransport();
        const old = makeIdl(nb, `prop-old-${seed}-${run}`, { transport: gate, backoff: { minMs: 100, maxMs: 400 } });
        let fresh: TestIdl | null = null;
        try {
          await waitFor('first sync', () => old.idl.isSynced);
          for (const op of before) apply(nb, op);
          await waitFor('replica equal before', () => canonical(old) === serverCanonical(nb));
          gate.open = false; // stays away until the database has changed, however slow the machine
          old.idl.forceReconnect('property: drop the connection');
          for (const op of away) apply(nb, op);
          await sleep(50);
          assert.equal(old.syncs.length, 1, 'still away while the database changed');
          gate.open = true;
          await waitFor('resync', () => old.idl.isSynced && old.syncs.length === 2);
          assert.equal(old.syncs[1], 'incremental');
          for (const op of after) apply(nb, op);
          fresh = makeIdl(nb, `prop-fresh-${seed}-${run}`);
          const target = serverCanonical(nb);
          await waitFor('both replicas equal the dump', () => fresh!.idl.isSynced && canonical(old) === target && canonical(fresh!) === target);
          assert.equal(canonical(old), canonical(fresh));
          assert.deepEqual([...old.problems, ...fresh.problems].filter((p) => !p.includes('gated by the test')), []);
        } finally {
          old.idl.stop();
          fresh?.idl.stop();
          run++;
        }
      }),
      { seed, numRuns: 3, endOnFailure: true },
    );
  });
});
