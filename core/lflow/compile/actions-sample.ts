// sample(probability = N, collector_set = N, obs_domain = N, obs_point = N | $cookie) (lib/actions.c
// parse_sample, encode_SAMPLE): an NXAST_SAMPLE for IPFIX. Encoded only when the collector set exists in
// the local Open_vSwitch database; the observation domain id is obs_domain in the top 8 bits and the
// datapath's tunnel key below, and $cookie stands for the logical flow's cookie (its UUID's first 32 bits).
import { LflowError } from '../errors';
import type { StatementEncoder } from './actions';
import { termPos } from './encoder';

/** OFPP_NONE: no sampling port (so OVS uses the plain NXAST_SAMPLE). */
const ofppNone = 0xffff;

export const sample: StatementEncoder = (st, s, out) => {
  let probability = 0;
  let collectorSet = 0;
  let obsDomain = 0;
  let obsPoint: number | 'cookie' = 0;
  for (const a of s.args ?? []) {
    const t = a.terms[0];
    if (a.key === 'obs_point' && a.terms.length === 1 && t?.kind === 'const' && t.c.kind === 'addrset' && t.c.name === 'cookie') {
      obsPoint = 'cookie';
      continue;
    }
    if (a.key === null || a.terms.length !== 1 || t?.kind !== 'const' || t.c.kind !== 'int' || t.c.format !== 'decimal' || t.c.mask !== null) {
      throw new LflowError(t ? termPos(t) : a.pos, 'Syntax error in sample: expecting option = decimal integer.');
    }
    const v = t.c.value;
    switch (a.key) {
      case 'probability':
        if (v > 0xffffn) throw new LflowError(t.c.pos, 'Syntax error in sample: probability must be between 0 and 65535.');
        probability = Number(v);
        break;
      case 'collector_set':
        collectorSet = Number(v & 0xffffffffn);
        break;
      case 'obs_domain':
        if (v > 0xffn) throw new LflowError(t.c.pos, 'Syntax error in sample: obs_domain must be 8-bit long.');
        obsDomain = Number(v);
        break;
      case 'obs_point':
        obsPoint = Number(v & 0xffffffffn);
        break;
      default:
        throw new LflowError(a.pos, `Syntax error in sample: unknown argument ${a.key}.`);
    }
  }
  if (probability === 0) throw new LflowError(s.pos, 'probability must be greater than zero');
  if (!st.ctx.collectorSetIds?.has(collectorSet)) return;
  const cookie = Number.parseInt(st.lflowUuid.slice(0, 8), 16);
  out.push({
    type: 'sample', variant: 'sample', probability, collectorSetId: collectorSet,
    obsDomainId: ((obsDomain << 24) | (st.datapathKey & 0xffffff)) >>> 0,
    obsPointId: obsPoint === 'cookie' ? cookie : obsPoint,
    samplingPort: ofppNone, direction: 0,
  });
};
