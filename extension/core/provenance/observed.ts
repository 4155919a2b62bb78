// Code the gateway saw in model responses, and recognising it when it lands (issue 6, capture
// "output seen by the gateway"). Pure: no I/O, no vscode.
export type { AssistantOutput, ObservedCode, ObservedResponse, ObservedToolCall } from './observedTypes';
export { observeResponse, readAssistantOutput, codeInOutput, hasModelOutput, type ObserveInput } from './responseCode';
export { responseEvents, framingOf, type ResponseEvent, type ResponseFraming } from './observedFrames';
export { codeInText, fencedBlocks, parseFenceInfo } from './observedFences';
export { codeInToolCall } from './observedToolArgs';
export { patchPieces, type PatchPiece } from './observedPatch';
export {
  FingerprintIndex,
  type Attribution,
  type AttributeOptions,
  type FingerprintIndexOptions,
  type SerializedFingerprintIndex,
  type SerializedSnippet,
  type SnippetInput,
  type SnippetMeta,
} from './fingerprintIndex';
