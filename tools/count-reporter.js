'use strict';
// Mocha reporter: the usual spec output, then one closing line `N passed, N failed[, N skipped]`
// that CI reads. Plain JavaScript so that it works before (and without) the TypeScript build.
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const skipped = s.pending ? `, ${s.pending} skipped` : '';
      // Printed after Spec's epilogue; failures in hooks count as failures too.
      process.stdout.write(`${s.passes || 0} passed, ${s.failures || 0} failed${skipped}\n`);
    });
  }
}
module.exports = CountReporter;
