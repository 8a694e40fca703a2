// Tables of cells printed the way upstream's lib/table.c prints them, for ovsdb-client and ctl tools:
//   table  columns padded to the widest cell (in UTF-8 bytes, like printf "%-*.*s"), a heading line and a
//          line of dashes, trailing spaces trimmed from every line;
//   list   one "heading<pad to 20>: value" line per cell, rows separated by blank lines;
//   html   <table border=1> with UUIDs linked to their rows (the "_uuid" column holds the anchors);
//   csv    cells quoted when they hold '\n', '"' or ',' (quotes doubled);
//   json   {"caption"?, "time"?, "headings": [...], "data": [[...], ...]} with cells as their raw JSON.
// Every table after the first one a printer prints (except in html and json) is preceded by a blank line,
// as upstream does with its process-wide `first_table` flag; a TablePrinter holds that flag instead.
// Pure: a timestamp is passed in as wall-clock milliseconds.

import type { JsonObject, JsonValue } from '../../json/value';
import { assert } from '../../util/assert';
import { type Cell, type CellFormat, cellText } from './cell-text';
import { jsonToText } from './json-text';

export type TableFormat = 'table' | 'list' | 'html' | 'csv' | 'json';

export interface TableStyle {
  readonly format: TableFormat;
  readonly cellFormat: CellFormat;
  readonly headings: boolean;
  /** --pretty: pretty-print JSON output (json format, and JSON printed by the tools). */
  readonly pretty: boolean;
  /** --max-column-width for the table format; 0 means unlimited. */
  readonly maxColumnWidth: number;
}

/** Upstream's TABLE_STYLE_DEFAULT (ovsdb-client then switches the format to "table"). */
export const defaultTableStyle: TableStyle = Object.freeze({
  format: 'list',
  cellFormat: 'string',
  headings: true,
  pretty: false,
  maxColumnWidth: 0,
});

export const tableFormats: readonly TableFormat[] = ['table', 'list', 'html', 'csv', 'json'];
export const cellFormats: readonly CellFormat[] = ['string', 'bare', 'json'];

export interface OutputTable {
  readonly caption?: string | null;
  /** Wall-clock milliseconds to print as a timestamp above the table (--timestamp), or null. */
  readonly timestampMs?: number | null;
  readonly headings: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function byteLength(s: string): number {
  // Fast path: ASCII strings are their own byte length.
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s.length : utf8.encode(s).length;
}

/** At most `maxBytes` UTF-8 bytes of `s`; a character cut in the middle is dropped whole. */
function truncateBytes(s: string, maxBytes: number): string {
  if (byteLength(s) <= maxBytes) return s;
  const decoded = utf8Decoder.decode(utf8.encode(s).subarray(0, maxBytes));
  return decoded.endsWith('\ufffd') && !s.includes('\ufffd') ? decoded.slice(0, -1) : decoded;
}

function padBytes(s: string, width: number): string {
  const n = byteLength(s);
  return n >= width ? s : s + ' '.repeat(width - n);
}

/** Upstream's "%Y-%m-%d %H:%M:%S.###" in UTC (computed by hand: core/ never constructs Dates). */
export function formatTimestamp(ms: number): string {
  const msPerDay = 86_400_000;
  const days = Math.floor(ms / msPerDay);
  let rest = ms - days * msPerDay;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = Math.floor(rest - second * 1000);
  // Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${year}-${p(month)}-${p(day)} ${p(hour)}:${p(minute)}:${p(second)}.${p(milli, 3)}`;
}

function finishLine(line: string): string {
  return line.replace(/ +$/, '') + '\n';
}

const uuidPrefix = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const uuidLength = 36;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function htmlCell(element: string, content: string): string {
  let out = `    <${element}>`;
  let i = 0;
  while (i < content.length) {
    const m = uuidPrefix.exec(content.slice(i, i + uuidLength));
    if (m) {
      out += `<a href="#${m[0]}">${m[0].slice(0, 8)}</a>`;
      i += uuidLength;
    } else {
      out += escapeHtml(content[i]!);
      i++;
    }
  }
  return out + `</${element}>\n`;
}

function csvCell(content: string): string {
  return /[\n",]/.test(content) ? `"${content.replace(/"/g, '""')}"` : content;
}

export class TablePrinter {
  private firstTable = true;

  /** Forget earlier tables (upstream's table_format_reset). */
  reset(): void {
    this.firstTable = true;
  }

  format(table: OutputTable, style: TableStyle): string {
    const width = table.headings.length;
    for (const row of table.rows) assert(row.length <= width, () => `table row has ${row.length} cells for ${width} columns`);
    switch (style.format) {
      case 'table':
        return this.separator() + this.formatTable(table, style);
      case 'list':
        return this.separator() + this.formatList(table, style);
      case 'html':
        return formatHtml(table, style);
      case 'csv':
        return this.separator() + this.formatCsv(table, style);
      case 'json':
        return formatJsonTable(table, style);
    }
  }

  private separator(): string {
    if (this.firstTable) {
      this.firstTable = false;
      return '';
    }
    return '\n';
  }

  private formatTable(table: OutputTable, style: TableStyle): string {
    let out = header(table);
    const texts = table.rows.map((row) => table.headings.map((_, x) => cellText(row[x] ?? null, style.cellFormat)));
    const widths = table.headings.map((heading, x) => {
      let w = 0;
      for (const row of texts) w = Math.max(w, byteLength(row[x]!));
      if (style.maxColumnWidth > 0 && w > style.maxColumnWidth) w = style.maxColumnWidth;
      if (style.headings) w = Math.max(w, byteLength(heading));
      return w;
    });
    if (style.headings) {
      out += finishLine(table.headings.map((h, x) => padBytes(h, widths[x]!)).join(' '));
      out += finishLine(widths.map((w) => '-'.repeat(w)).join(' '));
    }
    for (const row of texts) {
      out += finishLine(row.map((text, x) => padBytes(truncateBytes(text, widths[x]!), widths[x]!)).join(' '));
    }
    return out;
  }

  private formatList(table: OutputTable, style: TableStyle): string {
    let out = header(table);
    table.rows.forEach((row, y) => {
      if (y > 0) out += '\n';
      table.headings.forEach((heading, x) => {
        const text = cellText(row[x] ?? null, style.cellFormat);
        out += style.headings ? `${padBytes(heading, 20)}: ${text}\n` : `${text}\n`;
      });
    });
    return out;
  }

  private formatCsv(table: OutputTable, style: TableStyle): string {
    let out = header(table);
    if (style.headings) out += table.headings.map(csvCell).join(',') + '\n';
    for (const row of table.rows) {
      out += table.headings.map((_, x) => csvCell(cellText(row[x] ?? null, style.cellFormat))).join(',') + '\n';
    }
    return out;
  }
}

function timestampLine(table: OutputTable): string {
  return table.timestampMs === undefined || table.timestampMs === null ? '' : formatTimestamp(table.timestampMs) + '\n';
}

function header(table: OutputTable): string {
  let out = timestampLine(table);
  if (table.caption !== undefined && table.caption !== null) out += table.caption + '\n';
  return out;
}

function formatHtml(table: OutputTable, style: TableStyle): string {
  let out = timestampLine(table) + '<table border=1>\n';
  if (table.caption !== undefined && table.caption !== null) out += htmlCell('caption', table.caption);
  if (style.headings) {
    out += '  <tr>\n';
    for (const h of table.headings) out += htmlCell('th', h);
    out += '  </tr>\n';
  }
  for (const row of table.rows) {
    out += '  <tr>\n';
    table.headings.forEach((heading, x) => {
      const content = cellText(row[x] ?? null, style.cellFormat);
      if (heading === '_uuid') {
        out += `    <td><a name="${escapeHtml(content)}">${escapeHtml(truncateBytes(content, 8))}</a></td>\n`;
      } else {
        out += htmlCell('td', content);
      }
    });
    out += '  </tr>\n';
  }
  return out + '</table>\n';
}

function formatJsonTable(table: OutputTable, style: TableStyle): string {
  const json: JsonObject = {};
  if (table.caption !== undefined && table.caption !== null) json.caption = table.caption;
  if (table.timestampMs !== undefined && table.timestampMs !== null) json.time = formatTimestamp(table.timestampMs);
  json.headings = [...table.headings];
  json.data = table.rows.map((row) =>
    table.headings.map((_, x): JsonValue => {
      const cell = row[x] ?? null;
      if (cell === null) return null;
      return 'text' in cell ? cell.text : cell.json;
    }),
  );
  return jsonToText(json, { sort: true, pretty: style.pretty }) + '\n';
}
