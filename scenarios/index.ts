// Every named scenario `ovn-ts sim NAME` can run. `defaultScenarioName` is what `npm start` runs.
import type { Scenario } from './scenario';
import { kernelDemo } from './kernel-demo';
import { dataplaneDemo } from './dataplane-demo';
import { ovsdbNb } from './ovsdb-nb';

export const scenarios: readonly Scenario[] = [ovsdbNb, kernelDemo, dataplaneDemo];
export const defaultScenarioName = ovsdbNb.name;

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name);
}
export type { Scenario, ScenarioOptions, ScenarioResult } from './scenario';
