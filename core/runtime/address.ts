// OVSDB-style connection addresses (ovsdb-server(1) "Remotes", ovs-vsctl(8) "Connection Methods"):
//   active:  unix:PATH   tcp:HOST[:PORT]   ssl:HOST[:PORT]        (IPv6 hosts in brackets: tcp:[::1]:6641)
//   passive: punix:PATH  ptcp:[PORT][:HOST]  pssl:[PORT][:HOST]  (port 0 asks for an ephemeral port)
// The default port is 6640, as upstream. Parsing is pure and strict: bad input gets an error naming the problem.

export const defaultOvsdbPort = 6640;

export type ActiveAddress =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly tls: boolean };

export type PassiveAddress =
  | { readonly kind: 'punix'; readonly path: string }
  | { readonly kind: 'ptcp'; readonly host: string; readonly port: number; readonly tls: boolean };

export class AddressError extends Error {
  constructor(address: string, problem: string) {
    super(`bad address "${address}": ${problem}`);
    this.name = 'AddressError';
  }
}

function parsePort(address: string, text: string, allowZero: boolean): number {
  if (!/^[0-9]{1,5}$/.test(text)) throw new AddressError(address, `port "${text}" is not a number`);
  const port = Number(text);
  if (port > 65535 || (!allowZero && port === 0)) {
    throw new AddressError(address, `port ${port} is out of range (${allowZero ? 0 : 1}..65535)`);
  }
  return port;
}

/** Splits "HOST[:PORT]" or "[V6]:PORT" into host and optional port text. */
function splitHostPort(address: string, rest: string): { host: string; port?: string } {
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new AddressError(address, 'missing "]" after IPv6 host');
    const host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after === '') return { host };
    if (!after.startsWith(':')) throw new AddressError(address, `unexpected "${after}" after "]"`);
    return { host, port: after.slice(1) };
  }
  const parts = rest.split(':');
  if (parts.length > 2) throw new AddressError(address, 'IPv6 hosts must be written in brackets, e.g. tcp:[::1]:6641');
  return parts.length === 2 ? { host: parts[0]!, port: parts[1]! } : { host: parts[0]! };
}

export function parseActiveAddress(address: string): ActiveAddress {
  const colon = address.indexOf(':');
  if (colon < 0) throw new AddressError(address, 'expected unix:PATH, tcp:HOST[:PORT] or ssl:HOST[:PORT]');
  const method = address.slice(0, colon);
  const rest = address.slice(colon + 1);
  switch (method) {
    case 'unix':
      if (rest === '') throw new AddressError(address, 'empty socket path');
      return { kind: 'unix', path: rest };
    case 'tcp':
    case 'ssl': {
      const { host, port } = splitHostPort(address, rest);
      if (host === '') throw new AddressError(address, 'missing host');
      const portNumber = port === undefined ? defaultOvsdbPort : parsePort(address, port, false);
      return { kind: 'tcp', host, port: portNumber, tls: method === 'ssl' };
    }
    default:
      throw new AddressError(address, `unknown connection method "${method}" (expected unix, tcp or ssl)`);
  }
}

export function parsePassiveAddress(address: string): PassiveAddress {
  const colon = address.indexOf(':');
  if (colon < 0) throw new AddressError(address, 'expected punix:PATH, ptcp:[PORT][:HOST] or pssl:[PORT][:HOST]');
  const method = address.slice(0, colon);
  const rest = address.slice(colon + 1);
  switch (method) {
    case 'punix':
      if (rest === '') throw new AddressError(address, 'empty socket path');
      return { kind: 'punix', path: rest };
    case 'ptcp':
    case 'pssl': {
      const sep = rest.indexOf(':');
      const portText = sep < 0 ? rest : rest.slice(0, sep);
      let host = sep < 0 ? '0.0.0.0' : rest.slice(sep + 1);
      if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
      if (host === '') throw new AddressError(address, 'empty host after port');
      const port = portText === '' ? defaultOvsdbPort : parsePort(address, portText, true);
      return { kind: 'ptcp', host, port, tls: method === 'pssl' };
    }
    default:
      throw new AddressError(address, `unknown listening method "${method}" (expected punix, ptcp or pssl)`);
  }
}

function hostText(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export function formatActiveAddress(a: ActiveAddress): string {
  return a.kind === 'unix' ? `unix:${a.path}` : `${a.tls ? 'ssl' : 'tcp'}:${hostText(a.host)}:${a.port}`;
}

export function formatPassiveAddress(a: PassiveAddress): string {
  return a.kind === 'punix' ? `punix:${a.path}` : `${a.tls ? 'pssl' : 'ptcp'}:${a.port}:${hostText(a.host)}`;
}

/** The active address a client uses to reach a passive one (0.0.0.0 / :: become loopback). */
export function activeFor(p: PassiveAddress): ActiveAddress {
  if (p.kind === 'punix') return { kind: 'unix', path: p.path };
  const host = p.host === '0.0.0.0' ? '127.0.0.1' : p.host === '::' ? '::1' : p.host;
  return { kind: 'tcp', host, port: p.port, tls: p.tls };
}
