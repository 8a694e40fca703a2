// `ovn-ts trace [--db=REMOTE] [--detailed|--summary|--minimal|--all] [--ct=FLAGS]... [--lb-dst=IP[:PORT]]
//  [--friendly-names|--no-friendly-names] [DATAPATH] MICROFLOW`: ovn-trace(8). Reads the Southbound
// database once through the IDL (ovn-ts or upstream ovsdb-server), then walks the microflow.
import { Command, InvalidArgumentError } from 'commander';
import * as path from 'node:path';
import { parseMatch } from '../../../core/lflow';
import { ovnSymtab } from '../../../core/lflow/symtab';
import { buildTraceDb, parseCtFlags, parseLbDst, runTrace, sbDataFromReplica, traceMonitorSelection, TraceError, type LbDst, type TraceFormat } from '../../../core/lflow-trace';
import { readDatabaseOnce } from '../read-db-once';
import { UsageError } from '../usage-error';

/** How long to wait for the database before giving up. */
export const traceDbTimeoutMs = 30_000;

/** Upstream default_sb_db(): $OVN_SB_DB, else the unix socket in $OVN_RUNDIR. */
export function defaultSbRemote(): string {
  if (process.env.OVN_SB_DB) return process.env.OVN_SB_DB;
  const rundir = process.env.OVN_RUNDIR ?? '/var/run/ovn';
  return `unix:${path.join(rundir, 'ovnsb_db.sock')}`;
}

interface TraceOpts {
  db?: string;
  detailed?: boolean;
  summary?: boolean;
  minimal?: boolean;
  all?: boolean;
  ct: bigint[];
  lbDst?: LbDst;
  friendlyNames: boolean;
}

function collectCt(value: string, prev: bigint[]): bigint[] {
  try {
    return [...prev, parseCtFlags(value)];
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function lbDstOption(value: string): LbDst {
  try {
    return parseLbDst(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export function traceCommand(): Command {
  return new Command('trace')
    .description('trace a microflow through the logical network of an OVN Southbound database (ovn-trace)')
    .argument('<datapath-or-microflow>', 'logical datapath name or UUID (optional), then the microflow')
    .argument('[microflow]', 'the packet, as a logical match expression')
    .option('--db <remote>', `Southbound database (default ${defaultSbRemote()})`)
    .option('--detailed', 'table-by-table output (the default)')
    .option('--summary', 'nested-braces output')
    .option('--minimal', 'only the packet changes and outputs')
    .option('--all', 'all three forms')
    .option('--ct <flags>', 'ct_state for each successive ct_next (repeatable; trk is implied)', collectCt, [] as bigint[])
    .option('--lb-dst <ip[:port]>', 'load-balancer backend for ct_lb to pick', lbDstOption)
    .option('--friendly-names', 'show names, not UUIDs (default)')
    .option('--no-friendly-names', 'show UUIDs and logical_port names')
    .action((first: string, second: string | undefined, opts: TraceOpts) => {
      const datapath = second === undefined ? null : first;
      const microflow = second ?? first;
      const syntax = parseMatch(microflow);
      if (!syntax.ok) throw new UsageError(`error parsing flow: ${syntax.error.message}`);
      const formats: TraceFormat[] = opts.all
        ? ['detailed', 'summary', 'minimal']
        : (['detailed', 'summary', 'minimal'] as const).filter((f) => opts[f] === true);
      if (formats.length === 0) formats.push('detailed');
      startTrace(opts.db ?? defaultSbRemote(), { datapath, microflow, formats, ctStates: opts.ct, lbDst: opts.lbDst ?? null }, opts.friendlyNames !== false);
    });
}

function startTrace(remote: string, req: { datapath: string | null; microflow: string; formats: TraceFormat[]; ctStates: bigint[]; lbDst: LbDst | null }, friendly: boolean): void {
  readDatabaseOnce({ command: 'trace', database: 'OVN_Southbound', remote, monitor: traceMonitorSelection, timeoutMs: traceDbTimeoutMs }, (replica) => {
    try {
      const data = sbDataFromReplica(replica);
      const db = buildTraceDb(data, ovnSymtab(), friendly);
      const result = runTrace(db, { ...req, addressSets: { ...data.addressSets }, portGroups: { ...data.portGroups } });
      return { code: 0, stdout: result.text, stderr: '' };
    } catch (e) {
      if (e instanceof TraceError) return { code: 2, stdout: '', stderr: `ovn-ts: trace: ${e.message}\n` };
      throw e;
    }
  });
}
