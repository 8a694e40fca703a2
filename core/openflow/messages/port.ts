// struct ofp_port (OpenFlow 1.4+ layout with properties) and OFPT_PORT_STATUS.

import { Reader, Writer } from '../bytes';
import { readProperties, writeProperties } from '../properties';
import type { Port, PortStatus } from './types';

export const ofpPortNameBytes = 16;
export const ofppr = { add: 0, delete: 1, modify: 2 } as const;

export function readPort(r: Reader): Port {
  const start = r.offset;
  const portNo = r.u32('port_no');
  const length = r.u16('port length');
  if (length < 40) r.fail(`ofp_port length ${length} < 40`, start);
  r.zeros(2);
  const hwAddr = r.take(6, 'hw_addr');
  r.zeros(2);
  const nameBytes = r.take(ofpPortNameBytes, 'name');
  const config = r.u32('config');
  const state = r.u32('state');
  const properties = readProperties(r.sub(length - 40, 'port properties'), 'port');
  const nul = nameBytes.indexOf(0);
  if (nul < 0) r.fail('port name is not NUL-terminated', start + 16);
  for (let i = nul; i < ofpPortNameBytes; i++) if (nameBytes[i] !== 0) r.fail('bytes after port name NUL', start + 16 + i);
  let name = '';
  for (let i = 0; i < nul; i++) name += String.fromCharCode(nameBytes[i]!);
  return { portNo, hwAddr, name, config, state, properties };
}

export function writePort(w: Writer, p: Port): void {
  if (p.name.length >= ofpPortNameBytes) throw new RangeError(`port name "${p.name}" longer than 15 bytes`);
  if (p.hwAddr.length !== 6) throw new RangeError('port hw_addr must be 6 bytes');
  const start = w.length;
  w.u32(p.portNo).u16(0).zeros(2).bytes(p.hwAddr).zeros(2);
  for (let i = 0; i < ofpPortNameBytes; i++) w.u8(i < p.name.length ? p.name.charCodeAt(i) & 0xff : 0);
  w.u32(p.config).u32(p.state);
  writeProperties(w, p.properties);
  w.setU16(start + 4, w.length - start);
}

/** OFPPDPT_ETHERNET property body: pad4, curr, advertised, supported, peer, curr_speed, max_speed. */
export function ethernetPortProperty(curr: number, currSpeedKbps: number, maxSpeedKbps: number): { type: number; value: Uint8Array } {
  const w = new Writer(28);
  w.zeros(4).u32(curr).u32(0).u32(0).u32(0).u32(currSpeedKbps).u32(maxSpeedKbps);
  return { type: 0, value: w.finish() };
}

export function decodePortStatus(r: Reader, xid: number): PortStatus {
  const reason = r.u8('reason');
  r.zeros(7);
  const port = readPort(r);
  if (!r.atEnd()) r.fail(`${r.remaining} trailing bytes after port`);
  return { type: 'port_status', xid, reason, port };
}

export function encodePortStatus(m: PortStatus, w: Writer): void {
  w.u8(m.reason).zeros(7);
  writePort(w, m.port);
}
