// Dialect parsers: API request bodies ⇄ the engine's EgressRequest. Pure: data in, data out.
export type { DialectId, FieldRef, JsonPath, ParsedBody } from './types';
export { MalformedBodyError, UnparseableBodyError } from './types';
export { parseBody, type ParseContext } from './parse';
export { rebuildBody } from './rebuild';
export { dialectFor, dialectForHost, type HostRoute, type ProviderFamily } from './route';
export { DEFAULT_INSPECTED_HOSTS, HOST_ENTRY, constraintFor, hostMatches, isInspectedHost, normalizeHost } from './hosts';
export { scanFileBlocks, type FileScan, type TextPiece } from './fileBlocks';
export { looksLikePath, pathsInArguments } from './paths';
export { MAX_JSON_DEPTH } from './jsonWalk';
