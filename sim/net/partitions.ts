// Who can reach whom. A partition assigns hosts to groups (hosts in different groups cannot exchange
// anything, both ways); one-way blocks cut a single direction (asymmetric partitions). Lookups are O(1) so
// every message can check them; listeners hear about every change (to hold, flush or reset traffic).

export type PartitionListener = () => void;

export class PartitionTable {
  private group = new Map<string, number>();
  private oneWay = new Set<string>();
  private readonly listeners: PartitionListener[] = [];
  private epochValue = 0;

  onChange(listener: PartitionListener): void {
    this.listeners.push(listener);
  }

  /** Increases at every change. */
  get epoch(): number {
    return this.epochValue;
  }

  /** Whether anything sent by host `from` can reach host `to` right now. */
  blocked(from: string, to: string): boolean {
    if (from === to) return false;
    if (this.group.size > 0 && (this.group.get(from) ?? 0) !== (this.group.get(to) ?? 0)) return true;
    return this.oneWay.size > 0 && this.oneWay.has(`${from}>${to}`);
  }

  /** Splits hosts into groups; hosts named in no group form one more group together. Replaces any partition. */
  partition(groups: readonly (readonly string[])[]): void {
    this.group = new Map();
    groups.forEach((members, i) => {
      for (const host of members) {
        if (this.group.has(host)) throw new Error(`partition: host ${host} is in two groups`);
        this.group.set(host, i + 1);
      }
    });
    this.changed();
  }

  /** Cuts the direction from → to only. */
  blockOneWay(from: string, to: string): void {
    this.oneWay.add(`${from}>${to}`);
    this.changed();
  }

  /** Removes every partition and one-way block. */
  heal(): void {
    if (this.group.size === 0 && this.oneWay.size === 0) return;
    this.group = new Map();
    this.oneWay = new Set();
    this.changed();
  }

  describe(): string {
    const groups = new Map<number, string[]>();
    for (const [h, g] of this.group) groups.set(g, [...(groups.get(g) ?? []), h]);
    const parts = [...groups.values()].map((g) => `{${g.sort().join(',')}}`);
    const ways = [...this.oneWay].sort().map((w) => w.replace('>', '->'));
    return [...parts, ...ways].join(' ') || 'fully connected';
  }

  private changed(): void {
    this.epochValue++;
    for (const l of this.listeners) l();
  }
}
