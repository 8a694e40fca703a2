// Address sets ($name) and port groups (@name) are supplied by the caller: northd and ovn-controller keep
// them in the Southbound database and expand them into matches.
export interface NameLookup {
  /** Members of address set `name` as constant text ("10.0.0.1", "10.0.0.0/8", "00:00:00:00:00:01"). */
  addressSet(name: string): ReadonlyArray<string> | undefined;
  /** Logical port names in port group `name`. */
  portGroup(name: string): ReadonlyArray<string> | undefined;
}

export const noNames: NameLookup = { addressSet: () => undefined, portGroup: () => undefined };

export function mapLookup(addressSets: Record<string, string[]>, portGroups: Record<string, string[]>): NameLookup {
  return {
    addressSet: (n) => (Object.hasOwn(addressSets, n) ? addressSets[n] : undefined),
    portGroup: (n) => (Object.hasOwn(portGroups, n) ? portGroups[n] : undefined),
  };
}
