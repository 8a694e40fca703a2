// Test support (not a spec): a small schema exercising every type, constraint and table option.
import type { Json } from '../data/json';

export const testSchemaJson: Json = {
  name: 'Test',
  version: '1.0.0',
  tables: {
    Root: {
      isRoot: true,
      indexes: [['name']],
      columns: {
        name: { type: 'string' },
        i: { type: { key: { type: 'integer', minInteger: -10, maxInteger: 1000 }, min: 0, max: 1 } },
        r: { type: { key: { type: 'real', minReal: -1.5, maxReal: 1000000 } } },
        b: { type: 'boolean' },
        big: { type: { key: 'integer', min: 0, max: 1 } },
        color: { type: { key: { type: 'string', enum: ['set', ['red', 'green', 'blue']] }, min: 0, max: 1 } },
        s: { type: { key: { type: 'string', minLength: 1, maxLength: 5 }, min: 0, max: 'unlimited' } },
        ints: { type: { key: 'integer', min: 0, max: 3 } },
        reals: { type: { key: 'real', min: 0, max: 'unlimited' } },
        m: { type: { key: 'string', value: 'integer', min: 0, max: 'unlimited' } },
        kids: { type: { key: { type: 'uuid', refTable: 'Child' }, min: 0, max: 'unlimited' } },
        weak: { type: { key: { type: 'uuid', refTable: 'Root', refType: 'weak' }, min: 0, max: 'unlimited' } },
        wmap: { type: { key: 'string', value: { type: 'uuid', refTable: 'Other', refType: 'weak' }, min: 0, max: 'unlimited' } },
        fixed: { type: 'string', mutable: false },
        eph: { type: { key: 'integer', min: 0, max: 1 }, ephemeral: true },
      },
    },
    Child: {
      columns: {
        name: { type: 'string' },
        sub: { type: { key: { type: 'uuid', refTable: 'Child' }, min: 0, max: 1 } },
      },
    },
    Other: {
      isRoot: true,
      maxRows: 3,
      indexes: [['x']],
      columns: { x: { type: 'integer' } },
    },
    Needy: {
      isRoot: true,
      columns: {
        needs: { type: { key: { type: 'uuid', refTable: 'Other', refType: 'weak' }, min: 1, max: 2 } },
      },
    },
    Strict: {
      isRoot: true,
      columns: {
        mode: { type: { key: { type: 'string', enum: ['set', ['on', 'off']] } } },
        level: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 3 } } },
      },
    },
    Pair: {
      isRoot: true,
      indexes: [['a', 'b']],
      columns: { a: { type: 'integer' }, b: { type: 'string' }, c: { type: 'integer' } },
    },
  },
};
