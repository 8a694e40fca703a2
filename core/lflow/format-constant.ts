// Text of integer constants in each of the lexer's formats, so printed expressions parse back to the same
// values and masks.
import { formatIpv4, formatIpv6, formatMac, maskPrefixLength } from './addresses';
import type { IntFormat } from './lexer';

export function formatInt(value: bigint, format: IntFormat): string {
  switch (format) {
    case 'decimal':
      return value.toString(10);
    case 'hex':
      return '0x' + value.toString(16);
    case 'ipv4':
      return formatIpv4(value);
    case 'ipv6':
      return formatIpv6(value);
    case 'ethernet':
      return formatMac(value);
  }
}

/** value/mask in the value's format; IP masks that are CIDR prefixes print as /N. */
export function formatMaskedInt(value: bigint, mask: bigint | null, format: IntFormat): string {
  if (mask === null) return formatInt(value, format);
  if (format === 'ipv4' || format === 'ipv6') {
    const prefix = maskPrefixLength(mask, format === 'ipv4' ? 32 : 128);
    if (prefix !== null) return `${formatInt(value, format)}/${prefix}`;
  }
  return `${formatInt(value, format)}/${formatInt(mask, format)}`;
}

export function formatString(s: string): string {
  return JSON.stringify(s);
}
