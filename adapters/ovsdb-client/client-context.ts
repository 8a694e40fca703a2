// Shared state of one `ovsdb-client` run: options, output, and the helpers every command uses
// (fetching the schema, failing on error replies), with upstream's messages.

import type { JsonValue } from '../../core/json';
import type { ReplyOutcome } from '../../core/ovsdb/jsonrpc';
import { type DatabaseSchema, parseDatabaseSchema } from '../../core/ovsdb/schema';
import { OvsdbError } from '../../core/ovsdb/data/error';
import { type TableStyle, TablePrinter, type OutputTable, jsonToText } from '../../core/ovsdb/format';
import type { ClientRpc } from './client-rpc';
import { ovsdbErrorText } from './tool-database';
import { fatal } from './tool-exit';
import type { ToolIo } from './tool-io';
import { parseUpstreamJson } from './upstream-json';

export interface ClientOptions {
  style: TableStyle;
  timestamp: boolean;
  /** -1: use db_change_aware if available; 0: never; 1: require (upstream's --[no-]db-change-aware). */
  dbChangeAware: number;
  timeoutSeconds: number;
  /** --force: restore despite schema differences. */
  force: boolean;
}

export class ClientContext {
  readonly printer = new TablePrinter();
  /** Every connection opened, closed when the command ends however it ends. */
  readonly connections: ClientRpc[] = [];

  constructor(
    readonly io: ToolIo,
    readonly options: ClientOptions,
  ) {}

  printTable(table: OutputTable): void {
    this.io.stdout(this.printer.format(table, this.options.style));
  }

  /** Upstream's print_json: json_to_string with the table style's flags (sorted; pretty with --pretty). */
  jsonText(value: JsonValue): string {
    return jsonToText(value, { sort: true, pretty: this.options.style.pretty });
  }

  printJson(value: JsonValue): void {
    this.io.stdout(this.jsonText(value) + '\n');
  }

  /** Upstream's check_txn: a failed or error reply is fatal. */
  check(outcome: ReplyOutcome): JsonValue {
    if (outcome.kind === 'closed') fatal('transaction failed (End of file)');
    if (outcome.kind === 'error') fatal(`transaction returned error: ${this.jsonText(outcome.error)}`);
    return outcome.result;
  }

  async fetchSchema(rpc: ClientRpc, database: string): Promise<DatabaseSchema> {
    const result = this.check(await rpc.request('get_schema', [database]));
    try {
      return parseDatabaseSchema(result as never);
    } catch (e) {
      if (e instanceof OvsdbError) fatal(ovsdbErrorText(e));
      throw e;
    }
  }

  async fetchDbs(rpc: ClientRpc): Promise<string[]> {
    const result = this.check(await rpc.request('list_dbs', []));
    if (!Array.isArray(result)) fatal('list_dbs response is not array');
    const dbs = result.map((name, i) => {
      if (typeof name !== 'string') fatal(`list_dbs response ${i} is not string`);
      return name;
    });
    // svec_sort: strcmp order.
    return dbs.sort((a, b) => (Buffer.from(a).compare(Buffer.from(b))));
  }

  /** set_db_change_aware, as upstream sends it before monitoring (errors ignored unless required). */
  async sendDbChangeAware(rpc: ClientRpc): Promise<void> {
    if (this.options.dbChangeAware === 0) return;
    const outcome = await rpc.request('set_db_change_aware', [true]);
    if (outcome.kind === 'closed') fatal(`${rpc.name}: error setting db_change_aware (End of file)`);
    if (outcome.kind === 'error' && this.options.dbChangeAware === 1) {
      fatal(`${rpc.name}: set_db_change_aware failed (${jsonToText(outcome.error)})`);
    }
  }
}

/** Upstream's parse_json for command-line arguments. */
export function parseJsonArgument(text: string): JsonValue {
  const parsed = parseUpstreamJson(text);
  if (!parsed.ok) fatal(`"${text}": ${parsed.error}`);
  return parsed.value;
}
