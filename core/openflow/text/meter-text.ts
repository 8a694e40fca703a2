// Meter text in ovs-ofctl syntax: formatMeter prints a meter as dump-meters does; parseMeter reads add-meter
// syntax ("meter=7,pktps,burst,stats,bands=type=drop,rate=100,burst_size=20") into a METER_MOD.

import type { MeterBand, MeterConfig, MeterMod } from '../messages/types';
import { FlowSyntaxError, parseSmall, splitTopLevel } from './lex';

export const ofpmf = { kbps: 1, pktps: 2, burst: 4, stats: 8 } as const;
export const ofpmbt = { drop: 1, dscpRemark: 2 } as const;
const meterIdNames: Record<number, string> = { 0xffffffff: 'all', 0xfffffffd: 'controller', 0xfffffffe: 'slowpath' };

function formatBand(flags: number, b: MeterBand): string {
  let s = `type=${b.bandType === ofpmbt.drop ? 'drop' : b.bandType === ofpmbt.dscpRemark ? 'dscp_remark' : b.bandType} rate=${b.rate}`;
  if (flags & ofpmf.burst) s += ` burst_size=${b.burstSize}`;
  if (b.bandType === ofpmbt.dscpRemark) s += ` prec_level=${b.extra >>> 24}`;
  return s;
}

/** "meter=7 pktps burst stats bands=\ntype=drop rate=100 burst_size=20" (ofputil_format_meter_config, no final newline). */
export function formatMeter(m: MeterConfig): string {
  let s = `meter=${meterIdNames[m.meterId] ?? m.meterId} `;
  for (const [name, bit] of Object.entries(ofpmf)) if (m.flags & bit) s += `${name} `;
  const other = m.flags & ~0xf;
  if (other) s += `flags:0x${other.toString(16)} `;
  s += 'bands=';
  for (const b of m.bands) s += `\n${formatBand(m.flags, b)}`;
  return s;
}

export type ParsedMeter = { ok: true; meterMod: MeterMod } | { ok: false; error: string };

export function parseMeter(text: string, xid = 0, command = 0): ParsedMeter {
  try {
    let meterId: number | undefined;
    let flags = 0;
    const bands: Array<{ -readonly [K in keyof MeterBand]: MeterBand[K] }> = [];
    let inBands = false;
    for (let tok of splitTopLevel(text, true)) {
      if (tok.startsWith('bands=')) { inBands = true; tok = tok.slice('bands='.length); if (!tok) continue; }
      const eq = tok.indexOf('=');
      const key = eq < 0 ? tok : tok.slice(0, eq);
      const value = eq < 0 ? '' : tok.slice(eq + 1);
      if (inBands) {
        if (key === 'type') {
          const bandType = value === 'drop' ? ofpmbt.drop : value === 'dscp_remark' ? ofpmbt.dscpRemark : -1;
          if (bandType < 0) throw new FlowSyntaxError(tok, `unknown band type "${value}"`);
          bands.push({ bandType, rate: 0, burstSize: 0, extra: 0 });
          continue;
        }
        const band = bands[bands.length - 1];
        if (!band) throw new FlowSyntaxError(tok, 'band argument before "type="');
        if (key === 'rate') band.rate = parseSmall(value, 'rate', 0xffffffff);
        else if (key === 'burst_size') band.burstSize = parseSmall(value, 'burst_size', 0xffffffff);
        else if (key === 'prec_level') band.extra = parseSmall(value, 'prec_level', 255) * 0x1000000;
        else throw new FlowSyntaxError(tok, `unknown band argument "${key}"`);
        continue;
      }
      if (key === 'meter') {
        const named = Object.entries(meterIdNames).find(([, n]) => n === value);
        meterId = named ? Number(named[0]) : parseSmall(value, 'meter', 0xffff0000);
      } else if (key in ofpmf && eq < 0) flags |= ofpmf[key as keyof typeof ofpmf];
      else throw new FlowSyntaxError(tok, `unknown meter argument "${key}"`);
    }
    if (meterId === undefined) throw new FlowSyntaxError(text, 'missing meter=');
    // As ovs-ofctl: kbps is the default rate unit.
    if (!(flags & (ofpmf.kbps | ofpmf.pktps))) flags |= ofpmf.kbps;
    return { ok: true, meterMod: { type: 'meter_mod', xid, command, flags, meterId, bands } };
  } catch (e) {
    if (e instanceof FlowSyntaxError || e instanceof RangeError) return { ok: false, error: e.message };
    throw e;
  }
}
