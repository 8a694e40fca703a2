// The Southbound rows a hypervisor's logical flow compilation depends on, as plain values (what the
// controller's IDL replica holds and what tests read from an upstream SB). Chassis are referred to by name
// and rows by UUID, as in the database.

export interface ChassisSbDatapath {
  readonly uuid: string;
  readonly tunnelKey: number;
  readonly externalIds: Readonly<Record<string, string>>;
}

export interface ChassisSbPort {
  readonly uuid: string;
  readonly logicalPort: string;
  /** Datapath_Binding UUID. */
  readonly datapath: string;
  readonly tunnelKey: number;
  /** '' for a VIF; patch, l3gateway, l2gateway, localnet, localport, chassisredirect, virtual, external, vtep. */
  readonly type: string;
  readonly options: Readonly<Record<string, string>>;
  /** Name of the chassis the port is bound to (Port_Binding.chassis), or null. */
  readonly chassis: string | null;
  /**
   * Names of the registered chassis (those with a Chassis row) in the port's HA_Chassis_Group
   * (chassisredirect ports), in upstream's order of preference (orderHaMembers).
   */
  readonly haChassis: readonly string[];
  /** Names of the group's ref_chassis (the chassis that use the gateway; BFD peers of its members). */
  readonly haRefChassis: readonly string[];
  /** Port_Binding.parent_port (container ports), '' when none. */
  readonly parentPort: string;
}

export interface ChassisSbMcGroup {
  readonly datapath: string;
  readonly name: string;
  readonly tunnelKey: number;
}

export interface ChassisSbFlow {
  readonly uuid: string;
  /** The logical_datapath, or every member of logical_dp_group (Datapath_Binding UUIDs). */
  readonly datapaths: readonly string[];
  readonly pipeline: 'ingress' | 'egress';
  readonly tableId: number;
  readonly priority: number;
  readonly match: string;
  readonly actions: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Logical_Flow.controller_meter, '' when none. */
  readonly controllerMeter: string;
}

export interface ChassisSb {
  readonly datapaths: readonly ChassisSbDatapath[];
  readonly ports: readonly ChassisSbPort[];
  readonly mcGroups: readonly ChassisSbMcGroup[];
  readonly flows: readonly ChassisSbFlow[];
  /** SB Address_Set name -> addresses (ovn-controller adds svc_monitor_mac from SB_Global options). */
  readonly addressSets: Readonly<Record<string, readonly string[]>>;
  /** SB Port_Group name ("<datapath key>_<NB name>") -> logical port names. */
  readonly portGroups: Readonly<Record<string, readonly string[]>>;
}

/** What the hypervisor itself contributes: its chassis name and the iface-ids of br-int's interfaces. */
export interface ChassisIdentity {
  readonly chassis: string;
  /** external_ids:iface-id of every interface on br-int. */
  readonly localIfaces: ReadonlySet<string>;
  /** OpenFlow port of the tunnel to each remote chassis, by chassis name (fwd_group liveness). */
  readonly tunnelOfports?: ReadonlyMap<string, number>;
  /** Ids of the Open_vSwitch Flow_Sample_Collector_Set rows (sample()). */
  readonly collectorSetIds?: ReadonlySet<number>;
  /**
   * Chassis this one has a working BFD session with (upstream's active_tunnels), which decides the active
   * member of an HA group. Absent: every tunnel is taken as up (a simulation without BFD).
   */
  readonly activeTunnels?: ReadonlySet<string>;
}

/**
 * An HA group's registered members in upstream's order of preference (compare_chassis_prio_): highest
 * priority first, equal priorities by name, greatest first. Members without a chassis are left out: they
 * can never be active.
 */
export function orderHaMembers(members: ReadonlyArray<{ readonly name: string; readonly priority: number }>): string[] {
  return members.filter((m) => m.name !== '')
    .sort((a, b) => b.priority - a.priority || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0))
    .map((m) => m.name);
}
