// Checks a corpus of real logical flows (matches and actions from upstream ovn-northd, with the address
// sets and port groups they refer to) against the parser, type checker, annotation and normalization.
// Shared by the offline test (testdata/northd-corpus.json) and the live regeneration test.
import { checkActions } from './check-actions';
import { checkMatchText } from './match';
import { LflowError } from './errors';
import type { NameLookup } from './lookup';
import { normalize } from './normalize';
import { parseActionsOrThrow } from './parse-actions';
import { parseMatchOrThrow } from './parse-match';
import { printActions } from './print-actions';
import { printSyntax } from './print-syntax';
import { ovnSymtab } from './symtab';

export interface Corpus {
  generatedBy: string;
  addressSets: Record<string, string[]>;
  portGroups: Record<string, string[]>;
  flows: Array<{ match: string; actions: string }>;
}

export interface CorpusReport {
  flows: number;
  matches: number;
  actions: number;
  failures: string[];
}

export function checkCorpus(corpus: Corpus): CorpusReport {
  const symtab = ovnSymtab();
  const names = corpusLookup(corpus);
  const failures: string[] = [];
  const matches = new Set(corpus.flows.map((f) => f.match));
  const actions = new Set(corpus.flows.map((f) => f.actions));
  const guard = (what: string, text: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof LflowError)) throw e;
      failures.push(`${what}: ${e.render(text)}`);
    }
  };
  for (const m of matches) {
    guard('match', m, () => {
      const syntax = parseMatchOrThrow(m);
      const printed = printSyntax(syntax);
      if (printSyntax(parseMatchOrThrow(printed)) !== printed) failures.push(`match print round trip: ${m}`);
      const checked = checkMatchText(m, { symtab, names });
      if (!checked.ok) throw checked.error;
      normalize(checked.value.annotated);
    });
  }
  for (const a of actions) {
    guard('actions', a, () => {
      const parsed = parseActionsOrThrow(a);
      const printed = printActions(parsed);
      if (printActions(parseActionsOrThrow(printed)) !== printed) failures.push(`actions print round trip: ${a}`);
      checkActions(parsed, { symtab, names });
    });
  }
  return { flows: corpus.flows.length, matches: matches.size, actions: actions.size, failures };
}

/**
 * Names as ovn-controller resolves them: northd stores a port group per datapath as "<datapath key>_<name>"
 * in the Southbound Port_Group table, so @name is the union of those (or the plain name, as upstream's
 * fallback does). Address sets are looked up by name.
 */
export function corpusLookup(corpus: Corpus): NameLookup {
  return {
    addressSet: (n) => (Object.hasOwn(corpus.addressSets, n) ? corpus.addressSets[n] : undefined),
    portGroup: (n) => {
      const keys = Object.keys(corpus.portGroups).filter((k) => k === n || (k.endsWith(`_${n}`) && /^[0-9]+$/.test(k.slice(0, -n.length - 1))));
      if (keys.length === 0) return undefined;
      return [...new Set(keys.flatMap((k) => corpus.portGroups[k]!))].sort();
    },
  };
}
