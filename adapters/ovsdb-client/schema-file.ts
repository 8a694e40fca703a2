// Reading a schema file (.ovsschema) with upstream's ovsdb_schema_from_file() error texts.

import * as fs from 'node:fs';
import { type DatabaseSchema, parseDatabaseSchema } from '../../core/ovsdb/schema';
import { OvsdbError } from '../../core/ovsdb/data/error';
import { ovsdbErrorText, errnoMessage } from './tool-database';
import { parseUpstreamJson } from './upstream-json';
import { fatal } from './tool-exit';

export function readSchemaFile(file: string): DatabaseSchema {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    fatal(`failed to read schema: "${file}" could not be read as JSON (error opening "${file}": ${errnoMessage(e)})`);
  }
  const parsed = parseUpstreamJson(bytes);
  if (!parsed.ok) fatal(`failed to read schema: "${file}" could not be read as JSON (${parsed.error})`);
  try {
    return parseDatabaseSchema(parsed.value as never);
  } catch (e) {
    if (e instanceof OvsdbError) fatal(ovsdbErrorText(e, `failed to parse "${file}" as ovsdb schema: `));
    throw e;
  }
}
