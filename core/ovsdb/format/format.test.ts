import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatJson } from '../../json/format';
import { parseColumnType, parseDatabaseSchema } from '../schema';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { TablePrinter, cellText, defaultTableStyle, formatTimestamp, inShashOrder, jsonCell, jsonToText, ovsHashString, textCell, upstreamSchemaJson, type TableStyle } from './index';

const style = (over: Partial<TableStyle>): TableStyle => ({ ...defaultTableStyle, format: 'table', ...over });
const stringMap = parseColumnType({ key: 'string', value: 'string', min: 0, max: 'unlimited' });
const intSet = parseColumnType({ key: 'integer', min: 0, max: 'unlimited' });
const optString = parseColumnType({ key: 'string', min: 0, max: 1 });

describe('core/ovsdb/format', () => {
  it('hashes names like upstream hash_string (known values from the mhash definition)', () => {
    // Empty string: hash_finish(0, 0) = mhash_finish(0) = 0.
    assert.equal(ovsHashString(''), 0);
    assert.notEqual(ovsHashString('a'), ovsHashString('b'));
    assert.equal(ovsHashString('abcd'), ovsHashString('abcd'));
  });

  it('orders names as upstream shash iteration does, independent of nothing but insertion order', () => {
    const names = ['NB_Global', 'Logical_Switch', 'ACL', 'Meter'];
    const once = inShashOrder(names);
    assert.deepEqual([...once].sort(), [...names].sort());
    assert.deepEqual(inShashOrder(names), once, 'deterministic');
  });

  it('prints JSON sorted and pretty like json_to_string', () => {
    assert.equal(jsonToText({ b: 1, a: [1, 'x'] }, { sort: true }), '{"a":[1,"x"],"b":1}');
    assert.equal(jsonToText({ b: 1, a: [1, {}] }, { sort: true, pretty: true }), '{\n  "a": [\n    1,\n    {\n      }],\n  "b": 1}');
    assert.equal(jsonToText([], { pretty: true }), '[]');
  });

  it('formats cells as string, bare and json, falling back to JSON for data that does not parse', () => {
    const map = ['map', [['a', 'x y'], ['b', '1']]];
    assert.equal(cellText(jsonCell(map, stringMap), 'string'), '{a="x y", b="1"}');
    assert.equal(cellText(jsonCell(map, stringMap), 'bare'), 'a=x y b=1');
    assert.equal(cellText(jsonCell(map, stringMap), 'json'), '["map",[["a","x y"],["b","1"]]]');
    assert.equal(cellText(jsonCell(['set', []], optString), 'string'), '[]');
    assert.equal(cellText(jsonCell('sw0', optString), 'string'), 'sw0');
    assert.equal(cellText(jsonCell(['set', [3, 1]], intSet), 'string'), '[1, 3]');
    assert.equal(cellText(jsonCell(['bogus'], intSet), 'string'), '["bogus"]');
    assert.equal(cellText(null, 'string'), '');
  });

  it('prints tables, lists, csv, html and json like lib/table.c', () => {
    const table = { caption: 'T table', headings: ['_uuid', 'name'], rows: [[textCell('0123abcd-0000-0000-0000-000000000000'), jsonCell('a,"b"', optString)], [textCell('x'), null]] };
    const p = new TablePrinter();
    assert.equal(p.format(table, style({})),
      'T table\n_uuid                                name\n------------------------------------ ---------\n0123abcd-0000-0000-0000-000000000000 "a,\\"b\\""\nx\n');
    assert.equal(p.format(table, style({ format: 'csv' })),
      '\nT table\n_uuid,name\n0123abcd-0000-0000-0000-000000000000,"""a,\\""b\\"""""\nx,\n');
    assert.equal(p.format({ headings: ['a'], rows: [[textCell('1')], [textCell('2')]] }, style({ format: 'list' })),
      '\na                   : 1\n\na                   : 2\n');
    assert.equal(new TablePrinter().format(table, style({ format: 'html', cellFormat: 'bare' })),
      '<table border=1>\n    <caption>T table</caption>\n  <tr>\n    <th>_uuid</th>\n    <th>name</th>\n  </tr>\n' +
      '  <tr>\n    <td><a name="0123abcd-0000-0000-0000-000000000000">0123abcd</a></td>\n    <td>a,&quot;b&quot;</td>\n  </tr>\n' +
      '  <tr>\n    <td><a name="x">x</a></td>\n    <td></td>\n  </tr>\n</table>\n');
    assert.equal(new TablePrinter().format(table, style({ format: 'json' })),
      '{"caption":"T table","data":[["0123abcd-0000-0000-0000-000000000000","a,\\"b\\""],["x",null]],"headings":["_uuid","name"]}\n');
  });

  it('pads and truncates by UTF-8 bytes, and honours --max-column-width and --no-headings', () => {
    const t = { headings: ['h'], rows: [[textCell('é')], [textCell('abcdef')]] };
    assert.equal(new TablePrinter().format(t, style({ maxColumnWidth: 3 })), 'h\n---\né\nabc\n');
    assert.equal(new TablePrinter().format(t, style({ headings: false })), 'é\nabcdef\n');
  });

  it('formats timestamps as %Y-%m-%d %H:%M:%S.### UTC', () => {
    assert.equal(formatTimestamp(0), '1970-01-01 00:00:00.000');
    assert.equal(formatTimestamp(951_825_600_007), '2000-02-29 12:00:00.007');
  });

  describe('against upstream ovsdb-tool', function () {
    before(function () {
      upstreamOrSkip(this, 'ovsdb-tool');
    });

    it('writes schema JSON byte-identical to `ovsdb-tool create` for the installed schemas', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-ts-format-'));
      try {
        for (const file of ['/usr/share/ovn/ovn-nb.ovsschema', '/usr/share/ovn/ovn-sb.ovsschema', '/usr/share/openvswitch/vswitch.ovsschema']) {
          if (!fs.existsSync(file)) continue;
          const db = path.join(dir, `${path.basename(file)}.db`);
          execFileSync('ovsdb-tool', ['create', db, file]);
          const record = fs.readFileSync(db, 'utf8').split('\n')[1];
          const schema = parseDatabaseSchema(JSON.parse(fs.readFileSync(file, 'utf8')));
          assert.equal(formatJson(upstreamSchemaJson(schema)), record, file);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
