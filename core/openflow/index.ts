// OpenFlow 1.5 codec with the Nicira/ONF extensions ovn-controller uses.
//
// Binary: decodeMessage(bytes) -> DecodeResult<OfpMessage> (never throws; errors name the message type and
// byte offset), encodeMessage(msg) -> bytes, frameMessages(stream) to cut a byte stream into messages.
// Decoded values keep the exact wire choices (OXM order and codes, action variants), so a decoded message
// re-encodes to identical bytes.
//
// Text (ovs-ofctl syntax): parseFlow("table=8,priority=50,reg14=0x1 actions=...") -> FLOW_MOD with the same
// bytes ovs-ofctl would send; formatFlow / formatDumpFlow print like ovs-ofctl parse-flows / dump-flows.

export * from './errors';
export { Reader, Writer, toHex, fromHex, bytesEqual, maxOpenFlowMessageBytes } from './bytes';
export * from './header';
export * from './oxm-fields';
export * from './oxm';
export * from './match';
export * from './properties';
export * from './instructions';
export * from './actions/types';
export { readActions, writeActions } from './actions/codec';
export * from './messages/types';
export { decodeMessage, encodeMessage } from './messages/codec';
export { ofpfc, ofpBufferNone } from './messages/flow-mod';
export { ofpgt, ofpgbpt, weightProperty, watchPortProperty, watchGroupProperty, readBands, writeBands } from './messages/group-meter';
export { ofpmp, ofpmpfReplyMore, oxsField, makeOxsStats, flowDescReplies } from './messages/multipart';
export { nxt, nxpif, ntttmc } from './messages/nicira';
export { nxpint, readPacketIn2Fields, packetIn2Properties, PacketIn2Fields } from './messages/packet-in2';
export { ethernetPortProperty, ofppr } from './messages/port';
export { formatMatch, flowView, FlowView } from './text/match-format';
export { formatAction, formatActions, formatInstructions, formatSubfield } from './text/action-format';
export { formatFlow, formatDumpFlow } from './text/flow-format';
export { parseFlow, ParsedFlow } from './text/flow-parse';
export { parseActionList, parseInstructions } from './text/action-parse';
export { FlowSyntaxError, parseSubfield } from './text/lex';
export { formatGroup, parseGroup, ParsedGroup, selectionMethodProperty, readSelectionMethod, SelectionMethod } from './text/group-text';
export { formatMeter, parseMeter, ParsedMeter, ofpmf, ofpmbt } from './text/meter-text';
export { ofpet, ofpErrorName, ofpErrorCode, errorCodeTable } from './error-codes';
export { buildMatch, flowMod, FlowModSpec, matchEntry, subfield } from './build';
export { flowModCommands, FlowModCommand } from './text/flow-parse';
