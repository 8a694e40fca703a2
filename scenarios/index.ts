// Every named scenario `ovn-ts sim NAME` can run. The first one is the default (`npm start`).
import type { Scenario } from './scenario';
import { kernelDemo } from './kernel-demo';
import { ovsdbNb } from './ovsdb-nb';

export const scenarios: readonly Scenario[] = [kernelDemo, ovsdbNb];
export const defaultScenarioName = ovsdbNb.name;

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name);
}
export type { Scenario, ScenarioOptions, ScenarioResult } from './scenario';
