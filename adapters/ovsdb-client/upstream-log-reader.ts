// Reads a standalone database file record by record exactly as upstream's ovsdb_log_read() does for
// ovsdb-tool, failing on the first bad record with upstream's message (ovsdb-tool does not repair files:
// a torn last record is an error there, e.g. "I/O error: db: error reading 100 bytes starting at offset
// 15879 (End of file)"). Only "OVSDB JSON" files are read here.

import { createHash } from 'node:crypto';
import type { LogRecord } from '../../core/ovsdb/log';
import { fatal, ToolExit } from './tool-exit';
import { parseUpstreamJson } from './upstream-json';

const headerBytes = 127; // fgets(header, 128, ...)
const latin1 = new TextDecoder('latin1');

/** Upstream's parse_header(); returns the magic, length and hash, or null. Also the printable header. */
function parseHeader(line: string): { magic: string; length: number; sha1: string } | { printable: string } {
  const full = line.replace(/\n.*$/s, '');
  if (!line.startsWith('OVSDB ')) return { printable: full };
  const rest = line.slice(6);
  const space = rest.indexOf(' ');
  if (space < 0) return { printable: full };
  const magic = rest.slice(0, space);
  // Upstream has already cut the header at the magic when a later part fails to parse.
  const cut = { printable: `OVSDB ${magic}` };
  const m = /^([0-9]+) /.exec(rest.slice(space + 1));
  if (!m) return cut;
  const length = Number(m[1]);
  if (length === 0 || !Number.isSafeInteger(length)) return cut;
  const tail = rest.slice(space + 1 + m[0].length);
  const hash = /^([0-9a-fA-F]{40})\n/.exec(tail);
  if (!hash) return cut;
  return { magic, length, sha1: hash[1]!.toLowerCase() };
}

/**
 * What upstream's ovsdb_log_open() checks before any record is read (for the standalone-or-clustered magic
 * that ovsdb-tool and `restore` accept): an empty file or an unknown magic "cannot identify file type", a
 * first line that is not a record header is an "unexpected file format".
 */
export function checkLogStart(bytes: Uint8Array, file: string): void {
  if (bytes.length === 0) fatal(`ovsdb error: ${file}: cannot identify file type`);
  const limit = Math.min(bytes.length, headerBytes);
  const newline = bytes.subarray(0, limit).indexOf(0x0a);
  const header = parseHeader(latin1.decode(bytes.subarray(0, newline < 0 ? limit : newline + 1)));
  if ('printable' in header) fatal(`ovsdb error: ${file}: unexpected file format`);
  if (header.magic === 'CLUSTER') fatal(`${file}: clustered databases are not supported by ovn-ts (only standalone)`);
  if (header.magic !== 'JSON') fatal(`ovsdb error: ${file}: cannot identify file type`);
}

/** Every record up to the first bad one, and that one's error (upstream's message) or null. */
export function readLogRecordsUntilError(bytes: Uint8Array, file: string): { records: LogRecord[]; error: string | null } {
  const records: LogRecord[] = [];
  try {
    readInto(bytes, file, records);
    return { records, error: null };
  } catch (e) {
    if (e instanceof ToolExit) return { records, error: e.message };
    throw e;
  }
}

/** Every record; the first bad one is fatal. */
export function readLogRecords(bytes: Uint8Array, file: string): LogRecord[] {
  const records: LogRecord[] = [];
  readInto(bytes, file, records);
  return records;
}

function readInto(bytes: Uint8Array, file: string, records: LogRecord[]): void {
  let offset = 0;
  while (offset < bytes.length) {
    const limit = Math.min(bytes.length, offset + headerBytes);
    const newline = bytes.subarray(offset, limit).indexOf(0x0a);
    const headerEnd = newline < 0 ? limit : offset + newline + 1;
    const line = latin1.decode(bytes.subarray(offset, headerEnd));
    const header = parseHeader(line);
    if ('printable' in header || header.magic !== 'JSON') {
      const printable = 'printable' in header ? header.printable : `OVSDB ${header.magic}`;
      fatal(`syntax error: ${file}: parse error at offset ${offset} in header line "${printable}"`);
    }
    const dataOffset = headerEnd;
    if (dataOffset + header.length > bytes.length) {
      fatal(`I/O error: ${file}: error reading ${header.length} bytes starting at offset ${dataOffset} (End of file)`);
    }
    const body = bytes.subarray(dataOffset, dataOffset + header.length);
    const parsed = parseUpstreamJson(body);
    const actual = createHash('sha1').update(body).digest('hex');
    if (actual !== header.sha1) {
      fatal(`syntax error: ${file}: ${header.length} bytes starting at offset ${dataOffset} have SHA-1 hash ${actual} but should have hash ${header.sha1}`);
    }
    if (!parsed.ok) fatal(`syntax error: ${file}: ${header.length} bytes starting at offset ${dataOffset} are not valid JSON (${parsed.error})`);
    if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
      fatal(`syntax error: ${file}: ${header.length} bytes starting at offset ${dataOffset} are not a JSON object`);
    }
    records.push({ offset, size: dataOffset + header.length - offset, json: parsed.value });
    offset = dataOffset + header.length;
  }
}
