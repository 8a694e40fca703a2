// Shared by the encoder unit tests: compile one action list in a small fixed context and print the
// OpenFlow actions as ovs-ofctl does, with group ids replaced by the group's text.
import { formatActions } from '../../openflow';
import { checkActions } from '../check-actions';
import { noNames } from '../lookup';
import { parseActionsOrThrow } from '../parse-actions';
import { ovnSymtab } from '../symtab';
import { encodeActions } from './actions';
import type { CompileContext, Pipeline } from './context';

const symtab = ovnSymtab();
/** Port keys as a switch with three VIFs would give them. */
export const kitPorts: Readonly<Record<string, number>> = { vm1: 4, vm2: 1, vm3: 6 };

export interface KitOptions {
  readonly pipeline?: Pipeline;
  readonly isSwitch?: boolean;
  readonly ctx?: Partial<CompileContext>;
  readonly datapathKey?: number;
  readonly uuid?: string;
}

export function encodeText(actions: string, opts: KitOptions = {}): string {
  const groups: string[] = [];
  const ctx: CompileContext = {
    symtab,
    lookupPort: (n) => kitPorts[n],
    isChassisResident: () => true,
    isSwitch: opts.isSwitch ?? true,
    groupId: (d) => groups.push(d),
    meterId: () => 1,
    ...opts.ctx,
  };
  const parsed = parseActionsOrThrow(actions);
  checkActions(parsed, { symtab, names: noNames });
  const out = encodeActions(parsed, ctx, opts.pipeline ?? 'ingress', 5, opts.uuid ?? 'a1b2c3d4-0000-0000-0000-000000000000', () => opts.datapathKey ?? 1);
  return formatActions(out).replace(/group:(\d+)/g, (_m, id: string) => `group:{${groups[Number(id) - 1] ?? '?'}}`);
}
