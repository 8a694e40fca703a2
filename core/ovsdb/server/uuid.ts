// Random (version 4) UUIDs from the injected Random, so simulated runs are reproducible.
import type { Random } from '../../runtime/random';

export const zeroUuid = '00000000-0000-0000-0000-000000000000';

export function randomUuid(random: Random): string {
  const b = random.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += b[i]!.toString(16).padStart(2, '0');
  }
  return s;
}
