// A small hand-written Southbound for the chassis-level tests: switch sw (key 1) with VIFs a (bound on
// hv1), b (bound on hv2), a localport lp and a router port; router lr (key 2) with a distributed gateway
// port to switch pub (key 3, with a localnet port) whose chassisredirect port cr-lr-pub has HA chassis
// [hv2, hv1]; gateway router gw (key 4) on hv3 attached to pub through an l3gateway port pair.
import type { ChassisSb, ChassisSbFlow, ChassisSbPort } from './chassis-sb';

function port(uuid: string, logicalPort: string, datapath: string, tunnelKey: number, type = '', options: Record<string, string> = {},
  chassis: string | null = null, haChassis: string[] = [], haRefChassis: string[] = []): ChassisSbPort {
  return { uuid, logicalPort, datapath, tunnelKey, type, options, chassis, haChassis, haRefChassis, parentPort: '' };
}

/** A UUID whose first 8 hex digits spell a short label (up to 4 characters), so tests can read it back. */
export function labelUuid(label: string): string {
  const hex = [...label].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('').padEnd(8, '0');
  return `${hex.slice(0, 8)}-0000-4000-8000-000000000000`;
}

export function uuidLabel(uuid: string): string {
  return (uuid.slice(0, 8).match(/../g) ?? []).filter((h) => h !== '00').map((h) => String.fromCharCode(parseInt(h, 16))).join('');
}

export function flow(label: string, datapaths: string[], match: string, actions: string, extra: Partial<ChassisSbFlow> = {}): ChassisSbFlow {
  return { uuid: labelUuid(label), datapaths, pipeline: 'ingress', tableId: 0, priority: 100, match, actions, tags: {}, controllerMeter: '', ...extra };
}

export function sampleSb(flows: ChassisSbFlow[] = [], alwaysRedirect = false): ChassisSb {
  return {
    datapaths: [
      { uuid: 'dp-sw', tunnelKey: 1, externalIds: { 'logical-switch': 'ls-sw', name: 'sw' } },
      { uuid: 'dp-lr', tunnelKey: 2, externalIds: { 'logical-router': 'lr-lr', name: 'lr' } },
      { uuid: 'dp-pub', tunnelKey: 3, externalIds: { 'logical-switch': 'ls-pub', name: 'pub' } },
      { uuid: 'dp-gw', tunnelKey: 4, externalIds: { 'logical-router': 'lr-gw', name: 'gw' } },
    ],
    ports: [
      port('p-a', 'a', 'dp-sw', 1, '', {}, 'hv1'),
      port('p-b', 'b', 'dp-sw', 2, '', {}, 'hv2'),
      port('p-lp', 'lp', 'dp-sw', 3, 'localport'),
      port('p-sw-lr', 'sw-lr', 'dp-sw', 4, 'patch', { peer: 'lr-sw' }),
      port('p-lr-sw', 'lr-sw', 'dp-lr', 1, 'patch', { peer: 'sw-lr' }),
      port('p-lr-pub', 'lr-pub', 'dp-lr', 2, 'patch', { peer: 'pub-lr', 'chassis-redirect-port': 'cr-lr-pub' }),
      port('p-cr', 'cr-lr-pub', 'dp-lr', 3, 'chassisredirect', { 'distributed-port': 'lr-pub', ...(alwaysRedirect ? { 'always-redirect': 'true' } : {}) }, 'hv2', ['hv2', 'hv1']),
      port('p-pub-lr', 'pub-lr', 'dp-pub', 1, 'patch', { peer: 'lr-pub' }),
      port('p-ln', 'ln', 'dp-pub', 2, 'localnet', { network_name: 'phys' }),
      port('p-pub-gw', 'pub-gw', 'dp-pub', 3, 'l3gateway', { peer: 'gw-pub', 'l3gateway-chassis': 'hv3' }),
      port('p-gw-pub', 'gw-pub', 'dp-gw', 1, 'l3gateway', { peer: 'pub-gw', 'l3gateway-chassis': 'hv3' }),
    ],
    mcGroups: [{ datapath: 'dp-sw', name: '_MC_flood', tunnelKey: 32768 }],
    flows,
    addressSets: { as1: ['10.0.0.1', '10.0.0.2'] },
    portGroups: { '1_pg': ['a', 'b'] },
  };
}
