// JSON as OVSDB needs it: values, upstream-compatible serialization, incremental stream framing.
export { type JsonValue, type JsonObject, isJsonObject, getMember, hasMember, jsonEqual, jsonExcerpt } from './value';
export { formatJson, formatJsonBytes, formatNumber, formatReal, formatString, JsonFormatError, maxJsonDepth } from './format';
export { JsonStreamReader, JsonStreamError, defaultMaxMessageBytes, maxNumberChars, type JsonStreamBatch, type JsonStreamOptions } from './stream-reader';
