// The record framing of upstream OVSDB database files (ovsdb(5) "Database File Formats", ovsdb/log.c):
//
//   OVSDB JSON <length> <sha1>\n<length bytes: one JSON object or array, then "\n">
//
// <length> is decimal and counts the JSON text plus its trailing newline; <sha1> is the lowercase hex SHA-1
// of those <length> bytes. Standalone databases use the magic "OVSDB JSON"; clustered ones "OVSDB CLUSTER"
// (recognized here only to be rejected with a clear message).
//
// Reading distinguishes a torn tail from corruption. A record whose claimed extent reaches the end of the
// file but is incomplete or fails its hash is what a crash in the middle of an append leaves: it is reported
// as `tornTail` (with its offset) so the caller can truncate and warn. Any defect in a record followed by more
// bytes is corruption and an error naming the offset. Nothing is dropped without being reported.

import { createHash } from 'node:crypto';
import { formatJson } from '../../json/format';
import { JsonStreamReader } from '../../json/stream-reader';
import type { JsonValue } from '../../json/value';

export const standaloneMagic = 'OVSDB JSON';
export const clusteredMagic = 'OVSDB CLUSTER';
/** Longest header line we look for (upstream's own header buffer is 128 bytes). */
export const maxHeaderBytes = 128;
/** Largest record accepted (a 10k-port OVN_Southbound snapshot is ~21 MB). */
export const maxRecordBytes = 512 * 1024 * 1024;

export class LogError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${file}: at byte ${offset}: ${problem}`);
    this.name = 'LogError';
  }
}

export interface LogRecord {
  /** Offset of the record's header in the file. */
  readonly offset: number;
  /** Header plus body, in bytes. */
  readonly size: number;
  readonly json: JsonValue;
}

export interface TornTail {
  readonly offset: number;
  readonly problem: string;
}

export interface ScannedLog {
  readonly records: LogRecord[];
  /** Bytes up to the end of the last good record (where a torn tail must be cut). */
  readonly validLength: number;
  readonly tornTail: TornTail | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** One record's bytes: header line, JSON, newline. */
export function encodeRecord(json: JsonValue, magic = standaloneMagic): Uint8Array {
  const body = encoder.encode(formatJson(json) + '\n');
  const header = encoder.encode(`${magic} ${body.length} ${sha1Hex(body)}\n`);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

const headerPattern = /^(OVSDB [A-Z]+) ([0-9]{1,15}) ([0-9a-f]{40})$/;

function printable(bytes: Uint8Array): string {
  const text = decoder.decode(bytes.subarray(0, 40));
  return JSON.stringify(text.length < bytes.length ? `${text}...` : text);
}

/** Splits a whole database file into records; throws LogError on corruption or the wrong format. */
export function scanLog(bytes: Uint8Array, file: string): ScannedLog {
  const records: LogRecord[] = [];
  let offset = 0;
  const torn = (problem: string): ScannedLog => ({ records, validLength: offset, tornTail: { offset, problem } });
  const corrupt = (at: number, problem: string): never => {
    throw new LogError(file, at, problem);
  };
  while (offset < bytes.length) {
    const limit = Math.min(bytes.length, offset + maxHeaderBytes);
    const newline = bytes.subarray(offset, limit).indexOf(0x0a);
    if (newline < 0) {
      if (limit === bytes.length) return torn(`incomplete record header ${printable(bytes.subarray(offset))}`);
      corrupt(offset, `no record header line within ${maxHeaderBytes} bytes: ${printable(bytes.subarray(offset, limit))}`);
    }
    const headerEnd = offset + newline + 1;
    const headerText = decoder.decode(bytes.subarray(offset, headerEnd - 1));
    const match = headerPattern.exec(headerText);
    if (!match) {
      if (headerEnd === bytes.length) return torn(`malformed record header ${JSON.stringify(headerText)}`);
      corrupt(offset, `malformed record header ${JSON.stringify(headerText)} (expected "${standaloneMagic} <length> <sha1>")`);
    }
    const [, magic, lengthText, hash] = match!;
    if (magic === clusteredMagic) {
      corrupt(offset, 'this is a clustered database file ("OVSDB CLUSTER"); only standalone databases are supported for now');
    }
    if (magic !== standaloneMagic) corrupt(offset, `unknown record magic "${magic}" (expected "${standaloneMagic}")`);
    const length = Number(lengthText);
    if (length > maxRecordBytes) corrupt(offset, `record length ${length} exceeds maxRecordBytes (${maxRecordBytes})`);
    const end = headerEnd + length;
    const isLast = end >= bytes.length;
    if (end > bytes.length) return torn(`record claims ${length} bytes but only ${bytes.length - headerEnd} remain`);
    const body = bytes.subarray(headerEnd, end);
    if (sha1Hex(body) !== hash) {
      if (isLast) return torn('last record fails its SHA-1 check');
      corrupt(offset, `record of ${length} bytes fails its SHA-1 check (header says ${hash})`);
    }
    const parsed = parseRecordBody(body, headerEnd);
    if ('problem' in parsed) {
      if (isLast) return torn(parsed.problem);
      corrupt(headerEnd, parsed.problem);
    } else {
      records.push({ offset, size: end - offset, json: parsed.value });
    }
    offset = end;
  }
  return { records, validLength: offset, tornTail: null };
}

/** The body's single JSON value, or what is wrong with it. */
function parseRecordBody(body: Uint8Array, bodyOffset: number): { value: JsonValue } | { problem: string } {
  const reader = new JsonStreamReader({ maxMessageBytes: Math.max(1, body.length) });
  const batch = reader.push(body);
  const trailing = batch.error ?? reader.finish();
  if (trailing) return { problem: `record body: byte ${bodyOffset + trailing.offset}: ${trailing.problem}` };
  if (batch.values.length !== 1) return { problem: `record body holds ${batch.values.length} JSON values instead of 1` };
  return { value: batch.values[0]! };
}
