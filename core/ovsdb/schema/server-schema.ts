// The _Server database (`man ovsdb-server`, "_Server database"): one Database row per database the server
// hosts, with its name, model, connection/leadership state, schema text and cluster ids.
// This is the same schema text as upstream OVS 3.1 ships (ovsdb/_server.ovsschema; also in schemas/).

import type { DatabaseSchema } from './types';
import type { Json } from '../data/json';
import { parseDatabaseSchema } from './parse-schema';

export const serverSchemaJson: Json = {
  name: '_Server',
  version: '1.2.0',
  cksum: '3009684573 744',
  tables: {
    Database: {
      columns: {
        name: { type: 'string' },
        model: { type: { key: { type: 'string', enum: ['set', ['standalone', 'clustered', 'relay']] } } },
        connected: { type: 'boolean' },
        leader: { type: 'boolean' },
        schema: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        cid: { type: { key: { type: 'uuid' }, min: 0, max: 1 } },
        sid: { type: { key: { type: 'uuid' }, min: 0, max: 1 } },
        index: { type: { key: { type: 'integer' }, min: 0, max: 1 } },
      },
      isRoot: true,
    },
  },
};

export const serverSchema: DatabaseSchema = parseDatabaseSchema(serverSchemaJson);
