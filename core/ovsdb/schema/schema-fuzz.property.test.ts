// Property: any JSON given as a schema either loads or is rejected with an OvsdbError; nothing else throws.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseDatabaseSchema } from './parse-schema';
import { OvsdbError } from '../data/error';
import type { Json } from '../data/json';

const base = {
  name: 'T', version: '1.0.0',
  tables: {
    A: { isRoot: true, indexes: [['a']], maxRows: 5, columns: {
      a: { type: { key: { type: 'integer', minInteger: 0 }, min: 0, max: 'unlimited' } },
      b: { type: { key: { type: 'uuid', refTable: 'B', refType: 'weak' }, value: 'string' }, ephemeral: true } } },
    B: { columns: { s: { type: { key: { type: 'string', enum: ['set', ['x', 'y']] } }, mutable: false } } },
  },
} as const;

/** Replaces the value at a random path inside `value` with `replacement`. */
function replaceAt(value: Json, path: number[], replacement: Json): Json {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const [step, ...rest] = path as [number, ...number[]];
  if (Array.isArray(value)) {
    if (value.length === 0) return replacement;
    const arr = [...value];
    arr[step % arr.length] = replaceAt(arr[step % arr.length]!, rest, replacement);
    return arr;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[step % keys.length]!;
  return { ...(value as Record<string, Json>), [key]: replaceAt((value as Record<string, Json>)[key]!, rest, replacement) };
}

describe('property: schema loading never crashes', () => {
  it('accepts or rejects with an OvsdbError, for random JSON and randomly damaged schemas', () => {
    const seed = Number(process.env.PROPERTY_SEED ?? 20261125);
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.tuple(fc.array(fc.nat(), { maxLength: 6 }), fc.jsonValue())
          .map(([path, v]) => replaceAt(base as unknown as Json, path, v as Json))),
        (json) => {
          try {
            parseDatabaseSchema(json as Json);
            accepted++;
          } catch (e) {
            assert.ok(e instanceof OvsdbError, `${JSON.stringify(json)}: ${(e as Error).stack}`);
            rejected++;
          }
        },
      ),
      { numRuns: 3000, seed },
    );
    assert.ok(accepted > 0 && rejected > 100, `accepted ${accepted}, rejected ${rejected}`);
  });
});
