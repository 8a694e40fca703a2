// Logical flows parsed and compiled to OpenFlow per second over the northd corpus.
// Run: npx tsc -p . && node dist/bench/lflow.bench.js
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusLookup, type Corpus } from '../core/lflow/corpus';
import { ovnSymtab } from '../core/lflow/symtab';
import { compileLogicalFlow, idAllocator } from '../core/lflow/compile';

const corpus = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'core', 'lflow', 'testdata', 'northd-corpus.json'), 'utf8')) as Corpus;
const names = corpusLookup(corpus);
const ports = new Map<string, number>();
const ctx = {
  symtab: ovnSymtab(),
  lookupPort: (n: string) => { if (!ports.has(n)) ports.set(n, ports.size + 1); return ports.get(n); },
  isChassisResident: () => true, isSwitch: true, groupId: idAllocator().id, meterId: idAllocator().id,
};
const rounds = Number(process.env.ROUNDS ?? 20);
let flows = 0;
let ofFlows = 0;
const start = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) {
  corpus.flows.forEach((f, i) => {
    try {
      ofFlows += compileLogicalFlow({ uuid: `${(0x10000000 + i).toString(16)}-0000-0000-0000-000000000000`, datapathKey: 1, pipeline: 'ingress', tableId: 5, priority: 100, match: f.match, actions: f.actions }, ctx, names).length;
      flows++;
    } catch {
      // flows with actions not yet compiled are counted out
    }
  });
}
const secs = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`lflow compile: ${flows} logical flows (${ofFlows} OpenFlow flows) in ${secs.toFixed(2)} s = ${Math.round(flows / secs)} logical flows/s`);
