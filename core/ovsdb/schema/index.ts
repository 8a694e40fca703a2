export * from './types';
export { parseDatabaseSchema, parseColumnType, parseBaseType } from './parse-schema';
export { schemaToJson, tableToJson, columnToJson, columnTypeToJson, baseTypeToJson } from './schema-json';
export { serverSchema, serverSchemaJson } from './server-schema';
