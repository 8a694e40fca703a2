// Which parts of the logical network matter on one hypervisor, as ovn-controller 23.03 decides it
// (controller/binding.c binding_run, controller/local_data.c add_local_datapath__ and
// need_add_peer_to_local), computed from a Southbound snapshot:
//   - local datapaths: those with a port bound here (a VIF claimed by this chassis, an l2/l3 gateway port
//     for this chassis, a chassisredirect port whose HA group has this chassis), closed over patch and
//     l3gateway peers that need the peer locally (a distributed gateway port with always-redirect only
//     when its chassisredirect port may be here).
//   - related logical ports ("<datapath key>_<port key>"): the ports whose in/out flows this hypervisor
//     installs — bound ports, every patch, vtep and localnet port, localports with a local interface.
//   - local logical port names: port group members are filtered to these (ovn-controller builds its port
//     group constant sets from local_lports only).
// The binding state itself (who claimed what) is read from Port_Binding.chassis, not decided here.
import { assert } from '../../util/assert';
import type { ChassisIdentity, ChassisSb, ChassisSbPort } from './chassis-sb';

export interface ChassisLocality {
  /** Datapath_Binding UUIDs. */
  readonly localDatapaths: ReadonlySet<string>;
  /** "<datapath tunnel key>_<port tunnel key>", as upstream get_unique_lport_key formats it. */
  readonly relatedLportKeys: ReadonlySet<string>;
  readonly localLportNames: ReadonlySet<string>;
}

/** Upstream bounds the peer recursion at this depth ("datapaths nested too deep"). */
export const localDatapathDepthMax = 100;

export function lportKey(datapathKey: number, portKey: number): string {
  return `${datapathKey}_${portKey}`;
}

/**
 * Whether this chassis is the active member of port p's HA group (upstream ha_chassis_group_is_active,
 * controller/ha-chassis.c), from the registered members in order of preference and the chassis it has BFD
 * sessions with (me.activeTunnels; absent = all up, so the first member is active):
 *   - the only registered member is active;
 *   - with no BFD session at all this chassis has lost the others: not active;
 *   - otherwise the first member that is this chassis or one it reaches is active - except that when only
 *     this chassis is left, it is active only if it reaches one of the group's ref_chassis (the chassis
 *     that use the gateway), so a gateway cut off from everyone does not claim the port.
 */
export function haActiveHere(p: ChassisSbPort, me: ChassisIdentity): boolean {
  const members = p.haChassis;
  if (!members.includes(me.chassis)) return false;
  if (members.length === 1) return true;
  const up = me.activeTunnels;
  if (up === undefined) return members[0] === me.chassis;
  if (up.size === 0) return false;
  const candidates = members.filter((m) => m === me.chassis || up.has(m));
  if (candidates.length === 1) return p.haRefChassis.some((c) => up.has(c));
  return candidates[0] === me.chassis;
}

export function chassisLocality(sb: ChassisSb, me: ChassisIdentity): ChassisLocality {
  const dpKey = new Map(sb.datapaths.map((d) => [d.uuid, d.tunnelKey]));
  const portByName = new Map(sb.ports.map((p) => [p.logicalPort, p]));
  const portsByDp = new Map<string, ChassisSbPort[]>();
  for (const p of sb.ports) {
    const list = portsByDp.get(p.datapath) ?? [];
    list.push(p);
    portsByDp.set(p.datapath, list);
  }
  const related = new Set<string>();
  const localNames = new Set<string>(me.localIfaces);
  const seeds: string[] = [];
  const relate = (p: ChassisSbPort) => {
    const k = dpKey.get(p.datapath);
    if (k !== undefined) related.add(lportKey(k, p.tunnelKey));
  };
  const ours = (p: ChassisSbPort) => p.chassis === me.chassis;
  const bindHere = (p: ChassisSbPort) => {
    localNames.add(p.logicalPort);
    seeds.push(p.datapath);
    relate(p);
  };

  for (const p of sb.ports) {
    switch (p.type) {
      case 'patch':
      case 'vtep':
        relate(p);
        break;
      case 'localport':
        if (me.localIfaces.has(p.logicalPort)) relate(p);
        break;
      case 'localnet':
        localNames.add(p.logicalPort);
        relate(p);
        break;
      case 'l2gateway':
        if (p.options['l2gateway-chassis'] === me.chassis) bindHere(p);
        break;
      case 'l3gateway':
        if (p.options['l3gateway-chassis'] === me.chassis) bindHere(p);
        break;
      case 'chassisredirect':
      case 'external':
        // In the HA group: the datapath is local and the port related even while another chassis is active;
        // the active one also counts it among its local ports.
        if (p.haChassis.includes(me.chassis)) {
          seeds.push(p.datapath);
          relate(p);
          if (haActiveHere(p, me)) localNames.add(p.logicalPort);
        }
        break;
      default:
        // VIFs, container and virtual ports: bound here when this chassis has claimed them.
        if (ours(p)) bindHere(p);
    }
  }

  const needPeerHere = (p: ChassisSbPort): boolean => {
    if (p.type === 'l3gateway' && ours(p)) return true;
    if (p.type !== 'patch') return false;
    const crpName = p.options['chassis-redirect-port'];
    if (crpName === undefined) return true;
    const crp = portByName.get(crpName);
    if (!crp) return false;
    if (crp.options['always-redirect'] !== 'true') return true;
    return crp.haChassis.includes(me.chassis);
  };

  const local = new Set<string>();
  const visit = (dp: string, depth: number) => {
    if (local.has(dp)) return;
    local.add(dp);
    if (depth >= localDatapathDepthMax) return;
    for (const p of portsByDp.get(dp) ?? []) {
      if (p.type !== 'patch' && p.type !== 'l3gateway') continue;
      const peerName = p.options['peer'];
      const peer = peerName === undefined ? undefined : portByName.get(peerName);
      if (peer && needPeerHere(p)) visit(peer.datapath, depth + 1);
    }
  };
  for (const dp of seeds) {
    assert(dpKey.has(dp), `port bound here is on datapath ${dp}, which is not in Datapath_Binding`);
    visit(dp, 0);
  }
  return { localDatapaths: local, relatedLportKeys: related, localLportNames: localNames };
}
