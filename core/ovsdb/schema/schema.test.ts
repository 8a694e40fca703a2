import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { spawnSync } from 'node:child_process';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { parseDatabaseSchema, parseColumnType } from './parse-schema';
import { schemaToJson } from './schema-json';
import { serverSchema, serverSchemaJson } from './server-schema';
import { typeToEnglish } from './types';
import { OvsdbError } from '../data/error';
import type { Json } from '../data/json';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const shipped = (name: string): Json => JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas', name), 'utf8'));

/** Like upstreamOrSkip, for data files: CI must have them; locally skip loudly. */
function upstreamFilesOrSkip(context: Mocha.Context, ...files: string[]): void {
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length === 0) return;
  const message = `upstream files missing: ${missing.join(', ')} (apt-get install -y ovn-central openvswitch-switch)`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI must have them`);
  console.warn(`\n  !!! SKIPPING: ${message}\n`);
  context.skip();
}

function expectError(json: Json, tag: string, details: RegExp | string): void {
  assert.throws(
    () => parseDatabaseSchema(json),
    (e: unknown) => {
      assert.ok(e instanceof OvsdbError, String(e));
      assert.equal(e.tag, tag);
      if (typeof details === 'string') assert.equal(e.details, details);
      else assert.match(e.details ?? '', details);
      return true;
    },
  );
}

const tiny = (tables: Json): Json => ({ name: 'T', version: '1.0.0', tables });

describe('ovsdb schema: shipped upstream schemas', () => {
  const cases: Array<[string, string, string, number]> = [
    ['ovn-nb.ovsschema', '/usr/share/ovn/ovn-nb.ovsschema', 'OVN_Northbound', 30],
    ['ovn-sb.ovsschema', '/usr/share/ovn/ovn-sb.ovsschema', 'OVN_Southbound', 34],
    ['vswitch.ovsschema', '/usr/share/openvswitch/vswitch.ovsschema', 'Open_vSwitch', 19],
  ];
  for (const [file, , name, nTables] of cases) {
    it(`parses shipped ${file} (${name}, ${nTables} tables)`, () => {
      const s = parseDatabaseSchema(shipped(file));
      assert.equal(s.name, name);
      assert.equal(s.tables.size, nTables);
    });
  }

  describe('matches the installed upstream copies semantically', function () {
    before(function () {
      upstreamFilesOrSkip(this, ...cases.map((c) => c[1]));
    });
    for (const [file, installed] of cases) {
      it(`${file} == ${installed}`, () => {
        const ours = schemaToJson(parseDatabaseSchema(shipped(file)));
        const theirs = schemaToJson(parseDatabaseSchema(JSON.parse(fs.readFileSync(installed, 'utf8'))));
        assert.deepEqual(ours, theirs);
      });
    }
  });

  it('reads the details of real columns correctly', () => {
    const sb = parseDatabaseSchema(shipped('ovn-sb.ovsschema'));
    const pb = sb.tables.get('Port_Binding')!;
    const tunnelKey = pb.columnsByName.get('tunnel_key')!.type;
    assert.equal(tunnelKey.key.type, 'integer');
    assert.equal(tunnelKey.key.minInteger, 1);
    assert.equal(tunnelKey.key.maxInteger, 32767);
    const chassis = pb.columnsByName.get('chassis')!.type;
    assert.equal(chassis.key.refTable, 'Chassis');
    assert.equal(chassis.key.refType, 'weak');
    assert.equal(chassis.min, 0);
    assert.equal(chassis.max, 1);
    assert.equal(pb.isRoot, true);
    assert.deepEqual(pb.indexes.map((i) => i.map((c) => c.name)), [['datapath', 'tunnel_key'], ['logical_port']]);
    const lflow = sb.tables.get('Logical_Flow')!;
    assert.equal(lflow.columnsByName.get('external_ids')!.type.value!.type, 'string');
    assert.equal(lflow.columnsByName.get('external_ids')!.type.max, Infinity);
    const encap = sb.tables.get('Encap')!;
    assert.equal(encap.isRoot, false);
    const ovs = parseDatabaseSchema(shipped('vswitch.ovsschema'));
    const ovsRoot = ovs.tables.get('Open_vSwitch')!;
    assert.equal(ovsRoot.maxRows, 1);
    assert.equal(ovsRoot.columnsByName.get('bridges')!.type.key.refType, 'strong');
    const iface = ovs.tables.get('Interface')!;
    assert.equal(iface.columnsByName.get('name')!.mutable, false);
    assert.equal(iface.columnsByName.get('ofport')!.ephemeral, false);
    assert.equal(ovs.cksum, '3012963480 26720');
    assert.equal(ovs.version, '8.3.1');
    const nb = parseDatabaseSchema(shipped('ovn-nb.ovsschema'));
    const lsp = nb.tables.get('Logical_Switch_Port')!;
    assert.ok(lsp.columnsByName.get('up')!.type.min === 0);
  });

  it('_Server schema equals upstream _server.ovsschema (shipped copy)', () => {
    assert.deepEqual(schemaToJson(serverSchema), schemaToJson(parseDatabaseSchema(shipped('_server.ovsschema'))));
    assert.deepEqual(schemaToJson(serverSchema), schemaToJson(parseDatabaseSchema(serverSchemaJson)));
    const db = serverSchema.tables.get('Database')!;
    assert.deepEqual(db.columns.map((c) => c.name), ['name', 'model', 'connected', 'leader', 'schema', 'cid', 'sid', 'index']);
    assert.deepEqual(db.columnsByName.get('model')!.type.key.enum, ['clustered', 'relay', 'standalone']);
  });
});

const invalid: Array<[string, Json, string, RegExp | string]> = [
    ['not an object', 5, 'syntax error', 'Parsing database schema failed: Object expected.'],
    ['missing name', { tables: {} }, 'syntax error', "Parsing database schema failed: Required 'name' member is missing."],
    ['bad name', { name: '1x', tables: {} }, 'syntax error', "Parsing database schema failed: Type mismatch for member 'name'."],
    ['extra member', { name: 'x', tables: {}, foo: 1 }, 'syntax error',
      "Parsing database schema failed: Member 'foo' is present but not allowed here."],
    ['bad version', { name: 'x', version: '1.2', tables: {} }, 'syntax error', 'schema version "1.2" not in format x.y.z'],
    ['reserved table', tiny({ _A: { columns: { a: { type: 'integer' } } } }), 'syntax error', 'names beginning with "_" are reserved'],
    ['bad table name', tiny({ 'a-b': { columns: { a: { type: 'integer' } } } }), 'syntax error', 'name must be a valid id'],
    ['no columns', tiny({ A: { columns: {} } }), 'syntax error', 'table must have at least one column'],
    ['maxRows 0', tiny({ A: { maxRows: 0, columns: { a: { type: 'integer' } } } }), 'syntax error', 'maxRows must be at least 1'],
    ['reserved column', tiny({ A: { columns: { _a: { type: 'integer' } } } }), 'syntax error', 'names beginning with "_" are reserved'],
    ['unknown atomic type', tiny({ A: { columns: { a: { type: 'int' } } } }), 'syntax error', '"int" is not an atomic-type'],
    ['type not string/object', tiny({ A: { columns: { a: { type: 5 } } } }), 'syntax error',
      "Parsing schema for column a failed: Type mismatch for member 'type'."],
    ['min > max integer', tiny({ A: { columns: { a: { type: { key: { type: 'integer', minInteger: 3, maxInteger: 2 } } } } } }),
      'syntax error', 'minInteger exceeds maxInteger'],
    ['min > max real', tiny({ A: { columns: { a: { type: { key: { type: 'real', minReal: 3, maxReal: 2 } } } } } }),
      'syntax error', 'minReal exceeds maxReal'],
    ['min > max length', tiny({ A: { columns: { a: { type: { key: { type: 'string', minLength: 3, maxLength: 2 } } } } } }),
      'syntax error', 'minLength exceeds maxLength'],
    ['negative length', tiny({ A: { columns: { a: { type: { key: { type: 'string', minLength: -1 } } } } } }),
      'syntax error', 'minLength out of valid range 0 to 4294967295'],
    ['bad refType', tiny({ A: { columns: { a: { type: { key: { type: 'uuid', refTable: 'A', refType: 'soft' } } } } } }),
      'syntax error', 'refType must be "strong" or "weak" (not "soft")'],
    ['undefined refTable', tiny({ A: { columns: { a: { type: { key: { type: 'uuid', refTable: 'B' } } } } } }),
      'syntax error', 'column a key refers to undefined table B'],
    ['min 2', tiny({ A: { columns: { a: { type: { key: 'integer', min: 2, max: 3 } } } } }),
      'syntax error', 'ovsdb type fails constraint checks'],
    ['max 0', tiny({ A: { columns: { a: { type: { key: 'integer', min: 0, max: 0 } } } } }),
      'syntax error', 'ovsdb type fails constraint checks'],
    ['bad max', tiny({ A: { columns: { a: { type: { key: 'integer', max: 'lots' } } } } }), 'syntax error', 'bad min or max value'],
    ['constraint on wrong type', tiny({ A: { columns: { a: { type: { key: { type: 'string', minInteger: 1 } } } } } }),
      'syntax error', "Parsing ovsdb type failed: Member 'minInteger' is present but not allowed here."],
    ['bad enum', tiny({ A: { columns: { a: { type: { key: { type: 'integer', enum: ['set', ['x']] } } } } } }),
      'syntax error', 'expected integer'],
    ['empty index', tiny({ A: { indexes: [[]], columns: { a: { type: 'integer' } } } }), 'syntax error', 'index must have at least one column'],
    ['index on unknown column', tiny({ A: { indexes: [['b']], columns: { a: { type: 'integer' } } } }),
      'syntax error', 'b is not a valid column name'],
    ['index repeats column', tiny({ A: { indexes: [['a', 'a']], columns: { a: { type: 'integer' } } } }),
      'syntax error', 'array of distinct column names expected'],
    ['ephemeral index', tiny({ A: { indexes: [['a']], columns: { a: { type: 'integer', ephemeral: true } } } }),
      'syntax error', 'ephemeral columns (such as a) may not be indexed'],
];

describe('ovsdb schema: types and constraints', () => {
  it('parses every base type constraint', () => {
    const t = parseColumnType({ key: { type: 'integer', minInteger: -5, maxInteger: 5 }, min: 0, max: 'unlimited' });
    assert.equal(t.key.minInteger, -5);
    assert.equal(t.max, Infinity);
    assert.equal(typeToEnglish(t), 'set of integers');
    const r = parseColumnType({ key: { type: 'real', minReal: 0.5, maxReal: 2 } });
    assert.equal(r.key.minReal, 0.5);
    const s = parseColumnType({ key: { type: 'string', minLength: 1, maxLength: 3 }, value: 'boolean', min: 1, max: 4 });
    assert.equal(s.key.minLength, 1);
    assert.equal(typeToEnglish(s), 'map of 1 to 4 (string, boolean) pairs');
    const e = parseColumnType({ key: { type: 'string', enum: ['set', ['b', 'a']] } });
    assert.deepEqual(e.key.enum, ['a', 'b']);
    const e1 = parseColumnType({ key: { type: 'integer', enum: 7 } });
    assert.deepEqual(e1.key.enum, [7]);
    const u = parseColumnType({ key: { type: 'uuid', refTable: 'X', refType: 'weak' }, min: 0, max: 1 });
    assert.equal(u.key.refType, 'weak');
    assert.equal(typeToEnglish(u), 'set of up to 1 uuids');
    assert.equal(parseColumnType({ key: { type: 'uuid', refTable: 'X' } }).key.refType, 'strong');
  });

  it('treats all tables as roots when no table says isRoot, and forces weak refs mutable', () => {
    const s = parseDatabaseSchema(tiny({
      A: { columns: { b: { type: { key: { type: 'uuid', refTable: 'B', refType: 'weak' } } , mutable: false } } },
      B: { columns: { x: { type: 'integer' } } },
    }));
    assert.equal(s.tables.get('A')!.isRoot, true);
    assert.equal(s.tables.get('B')!.isRoot, true);
    assert.equal(s.tables.get('A')!.columnsByName.get('b')!.mutable, true);
  });

  it('forces ephemeral strong references to non-root tables persistent', () => {
    const s = parseDatabaseSchema(tiny({
      A: { isRoot: true, columns: { b: { ephemeral: true, type: { key: { type: 'uuid', refTable: 'B' } } } } },
      B: { columns: { x: { type: 'integer', ephemeral: true } } },
    }));
    assert.equal(s.tables.get('A')!.columnsByName.get('b')!.ephemeral, false);
    assert.equal(s.tables.get('B')!.columnsByName.get('x')!.ephemeral, true);
  });

  for (const [what, json, tag, details] of invalid) {
    it(`rejects an invalid schema: ${what}`, () => expectError(json, tag, details));
  }
});


describe('ovsdb schema: invalid schemas rejected exactly like ovsdb-tool', function () {
  before(function () {
    upstreamOrSkip(this, 'ovsdb-tool');
  });
  // (A top-level non-object is refused earlier by ovsdb-tool's file reader, so it is not compared here.)
  for (const [what, json] of invalid.filter(([, j]) => typeof j === 'object')) {
    it(`same error as ovsdb-tool create: ${what}`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovsdb-schema-'));
      try {
        const file = path.join(dir, 's.ovsschema');
        fs.writeFileSync(file, JSON.stringify(json));
        const r = spawnSync('ovsdb-tool', ['create', path.join(dir, 'db'), file], { encoding: 'utf8' });
        assert.notEqual(r.status, 0);
        let ours = '';
        try {
          parseDatabaseSchema(json);
        } catch (e) {
          assert.ok(e instanceof OvsdbError);
          const syntax = e.syntax === undefined ? '' : `syntax "${e.syntax}": `;
          ours = `ovsdb-tool: ${syntax}${e.tag}: failed to parse "${file}" as ovsdb schema: ${e.details}`;
        }
        assert.equal(ours, r.stderr.trim());
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
