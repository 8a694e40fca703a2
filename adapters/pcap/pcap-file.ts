// pcap files on disk: written from core/packet's pure encoder, read through the npm package pcap-parser
// (stream based, untyped: wrapped here behind a promise with checked shapes and clear errors). Reading checks
// what pcap-parser does not: the link type, record sizes against the snap length, a bound on the record
// count, and a truncated last record (which pcap-parser silently ignores).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodePcap, linkTypeEthernet, maxPcapRecordsCount, pcapSnapLengthBytes, type PcapRecord } from '../../core/packet/pcap';

export class PcapFileError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`pcap file ${file}: ${detail}`);
    this.name = 'PcapFileError';
  }
}

/** The parts of pcap-parser we use (it publishes no typings). */
interface PcapParser {
  on(event: 'globalHeader', listener: (header: { linkLayerType: number; majorVersion: number }) => void): void;
  on(event: 'packet', listener: (packet: { header: PacketHeader; data: Uint8Array }) => void): void;
  on(event: 'packetHeader', listener: (header: PacketHeader) => void): void;
  on(event: 'end', listener: () => void): void;
  on(event: 'error', listener: (err: unknown) => void): void;
  /** Bytes received but not yet parsed (internal state of the parser, read at end to detect truncation). */
  buffer: Uint8Array | null;
  stream: { destroy(): void };
}

interface PacketHeader {
  timestampSeconds: number;
  timestampMicroseconds: number;
  capturedLength: number;
  originalLength: number;
}

function loadParser(): { parse(file: string): PcapParser } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod: unknown = require('pcap-parser');
  if (typeof mod !== 'object' || mod === null || typeof (mod as { parse?: unknown }).parse !== 'function') {
    throw new Error('the npm package pcap-parser has no parse() function');
  }
  return mod as { parse(file: string): PcapParser };
}

export interface PcapFileContents {
  readonly linkType: number;
  readonly records: readonly PcapRecord[];
}

/** Reads a classic (microsecond) pcap file of Ethernet frames. */
export function readPcapFile(file: string, maxRecords = maxPcapRecordsCount): Promise<PcapFileContents> {
  return new Promise((resolve, reject) => {
    const parser = loadParser().parse(file);
    const records: PcapRecord[] = [];
    let linkType: number | undefined;
    let settled = false;
    const fail = (detail: string): void => {
      if (settled) return;
      settled = true;
      parser.stream.destroy();
      reject(new PcapFileError(file, detail));
    };
    parser.on('error', (err) => fail(err instanceof Error ? err.message : String(err)));
    parser.on('globalHeader', (h) => {
      linkType = h.linkLayerType;
      if (linkType !== linkTypeEthernet) fail(`link type ${linkType} is not Ethernet (${linkTypeEthernet})`);
    });
    parser.on('packetHeader', (h) => {
      // Checked before the parser buffers the body, so a corrupt length cannot make it read the whole file.
      if (h.capturedLength > pcapSnapLengthBytes) {
        fail(`record ${records.length + 1}: captured length ${h.capturedLength} exceeds ${pcapSnapLengthBytes}`);
      } else if (h.timestampMicroseconds >= 1_000_000) {
        fail(`record ${records.length + 1}: microseconds field ${h.timestampMicroseconds} ≥ 1000000 (nanosecond pcap files are not supported)`);
      }
    });
    parser.on('packet', (p) => {
      if (settled) return;
      if (records.length >= maxRecords) return fail(`more than ${maxRecords} records`);
      records.push({
        timeMicros: p.header.timestampSeconds * 1e6 + p.header.timestampMicroseconds,
        frame: Uint8Array.from(p.data),
        originalLength: p.header.originalLength,
      });
    });
    parser.on('end', () => {
      if (settled) return;
      if (linkType === undefined) return fail('no pcap global header (empty or truncated file)');
      const left = parser.buffer?.length ?? 0;
      if (left > 0) return fail(`truncated: ${left} trailing bytes after record ${records.length} do not form a whole record`);
      settled = true;
      resolve({ linkType, records });
    });
  });
}

/** Writes a scenario's capture files (names ending .pcap) into `dir`; returns the paths written (none: []). */
export function writeCaptureFiles(dir: string, files: ReadonlyMap<string, Uint8Array> | undefined): string[] {
  const captures = [...(files ?? new Map<string, Uint8Array>())].filter(([name]) => name.endsWith('.pcap'));
  if (captures.length === 0) return [];
  fs.mkdirSync(dir, { recursive: true });
  return captures.map(([name, bytes]) => {
    // Names come from scenarios (code, not input), but never let one escape the directory.
    if (name !== path.basename(name)) throw new Error(`capture name ${name} is not a plain file name`);
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  });
}

/** Writes records as a pcap file (creating the directory); returns the path written. */
export function writePcapFile(file: string, records: readonly PcapRecord[]): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodePcap(records));
  return file;
}
