// Differences between our compiled flows and upstream ovn-controller 23.03.1's that are upstream bugs,
// fixed in later upstream releases, which we deliberately do not reproduce. Each rule gets the two
// normalized flow lines (same table, priority and match) and says why they differ, or null.

interface KnownDifference {
  readonly why: string;
  readonly explains: (ours: string, theirs: string) => boolean;
}

function actionsOf(line: string): string {
  return line.slice(line.lastIndexOf(' actions=') + ' actions='.length);
}

/** The actions with every ct(commit...) action that is not the first one removed. */
function withoutLaterCtCommit(actions: string): string {
  let out = actions;
  for (let at = out.indexOf(',ct(commit'); at >= 0; at = out.indexOf(',ct(commit')) {
    let depth = 0;
    let end = at + 1;
    for (; end < out.length; end++) {
      if (out[end] === '(') depth++;
      else if (out[end] === ')' && --depth === 0) break;
    }
    out = out.slice(0, at) + out.slice(end + 1);
  }
  return out;
}

const known: readonly KnownDifference[] = [
  {
    why: 'upstream 23.03.1 loses a ct_commit { } that is not the first action (encode_CT_COMMIT_V2 finishes the '
      + 'wrong action; fixed upstream in commit 7b4395969, OVN 24.09): we keep the commit',
    explains: (ours, theirs) => withoutLaterCtCommit(actionsOf(ours)) === actionsOf(theirs) && actionsOf(ours) !== actionsOf(theirs),
  },
];

export function explainDifference(ours: string, theirs: string): string | null {
  return known.find((k) => k.explains(ours, theirs))?.why ?? null;
}
