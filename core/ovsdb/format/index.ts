// Output formatting shared by the OVSDB tools (ovsdb-client, ovsdb-tool, nbctl-style tools, tests):
// upstream-identical tables (lib/table.c), JSON text (lib/json.c) and shash iteration order.
export { type Cell, type CellFormat, cellText, datumToBare, jsonCell, textCell } from './cell-text';
export { jsonToText, type JsonTextOptions } from './json-text';
export { inShashOrder, ovsHashBytes, ovsHashString, shashOrder } from './shash-order';
export { type OutputTable, type TableFormat, type TableStyle, TablePrinter, cellFormats, defaultTableStyle, formatTimestamp, tableFormats } from './table';
export { inUpstreamObjectOrder } from './shash-order';
export { upstreamColumnOrder, upstreamSchemaJson, upstreamTableOrder } from './schema-order';
