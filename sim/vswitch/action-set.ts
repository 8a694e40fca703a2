// The OpenFlow action set (write_actions / clear_actions) with Open vSwitch's ordering. Errors are RangeErrors,
// which the interpreter turns into a failed (dropped, counted) translation.
import type { Action } from '../../core/openflow';

/** The OpenFlow action set with Open vSwitch's ordering (ovs-actions(7) "Action Sets"): one action of each
 * kind (a later one replaces it), field changes cumulative in the order written, and only the first present
 * of group, output, resubmit, ct_clear, ct. */
const actionSetSingles = ['pop_vlan', 'pop_mpls', 'push_mpls', 'push_vlan', 'dec_ttl', 'dec_mpls_ttl'] as const;
const actionSetMods = new Set(['set_field', 'copy_field', 'set_tunnel', 'set_tunnel64']);
const actionSetTerminals = ['group', 'output', 'resubmit', 'ct_clear', 'ct'] as const;
export const maxActionSetModsCount = 1024;

export class ActionSet {
  private singles = new Map<string, Action>();
  private mods: Action[] = [];

  write(actions: readonly Action[]): void {
    for (const a of actions) {
      if (actionSetMods.has(a.type)) {
        if (this.mods.length >= maxActionSetModsCount) throw new RangeError(`action set over ${maxActionSetModsCount} field changes`);
        this.mods.push(a);
      } else if ((actionSetSingles as readonly string[]).includes(a.type) || (actionSetTerminals as readonly string[]).includes(a.type) || a.type === 'set_queue') {
        this.singles.set(a.type, a);
      } else {
        throw new RangeError(`action ${a.type} cannot be in an action set`);
      }
    }
  }
  clear(): void {
    this.singles = new Map();
    this.mods = [];
  }
  ordered(): Action[] {
    const out: Action[] = [];
    for (const t of actionSetSingles) { const a = this.singles.get(t); if (a) out.push(a); }
    out.push(...this.mods);
    const q = this.singles.get('set_queue');
    if (q) out.push(q);
    for (const t of actionSetTerminals) { const a = this.singles.get(t); if (a) { out.push(a); break; } }
    return out;
  }
}

