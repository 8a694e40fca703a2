// Command-line option parsing with GNU getopt_long's behaviour and messages, so that our tools accept and
// reject the same command lines as upstream's (which parse with getopt_long):
// - options and operands may be mixed (operands are collected in order); "--" ends option parsing;
// - "--name=value" or "--name value" for required arguments, only "--name=value" for optional ones;
// - unambiguous prefixes of long option names are accepted ("--form" is "--format");
// - short options cluster ("-mm") and take arguments attached or from the next word.
// Errors are glibc's texts, without the "PROGRAM: " prefix, which the caller adds.

import { ToolExit } from './tool-exit';

export type ArgumentKind = 'none' | 'required' | 'optional';

export interface OptionSpec {
  readonly long: string;
  /** A one-character short form, if any. */
  readonly short?: string;
  readonly argument: ArgumentKind;
}

export interface ParsedOption {
  readonly name: string;
  readonly value: string | null;
}

export interface ParsedCommandLine {
  readonly options: ParsedOption[];
  readonly operands: string[];
}

/** Upper bound on words accepted on one command line (a loop bound, not a practical limit). */
export const maxCommandLineWords = 100_000;

function usageError(message: string): ToolExit {
  return new ToolExit(message);
}

function findLong(specs: readonly OptionSpec[], name: string): OptionSpec {
  const exact = specs.find((s) => s.long === name);
  if (exact) return exact;
  const matches = specs.filter((s) => s.long.startsWith(name));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw usageError(`unrecognized option '--${name}'`);
  throw usageError(`option '--${name}' is ambiguous; possibilities:${matches.map((m) => ` '--${m.long}'`).join('')}`);
}

export function getoptLong(args: readonly string[], specs: readonly OptionSpec[]): ParsedCommandLine {
  if (args.length > maxCommandLineWords) throw usageError(`too many arguments (more than ${maxCommandLineWords})`);
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
      const spec = findLong(specs, name);
      if (spec.argument === 'none') {
        if (eq >= 0) throw usageError(`option '--${spec.long}' doesn't allow an argument`);
        options.push({ name: spec.long, value: null });
      } else if (eq >= 0) {
        options.push({ name: spec.long, value: word.slice(eq + 1) });
      } else if (spec.argument === 'optional') {
        options.push({ name: spec.long, value: null });
      } else {
        if (i + 1 >= args.length) throw usageError(`option '--${spec.long}' requires an argument`);
        options.push({ name: spec.long, value: args[++i]! });
      }
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      for (let j = 1; j < word.length; j++) {
        const c = word[j]!;
        const spec = specs.find((s) => s.short === c);
        if (!spec) throw usageError(`invalid option -- '${c}'`);
        if (spec.argument === 'none') {
          options.push({ name: spec.long, value: null });
          continue;
        }
        const rest = word.slice(j + 1);
        if (rest !== '') {
          options.push({ name: spec.long, value: rest });
        } else if (spec.argument === 'optional') {
          options.push({ name: spec.long, value: null });
        } else {
          if (i + 1 >= args.length) throw usageError(`option requires an argument -- '${c}'`);
          options.push({ name: spec.long, value: args[++i]! });
        }
        break;
      }
      continue;
    }
    operands.push(word);
  }
  return { options, operands };
}
