// Everything heavy the editor uses, built as its own bundle (dist/engine.js) so activation
// loads only the thin vscode/ layer and the engine loads on first need (see engine.ts).
export * as policy from '../core/policy';
export * as ledger from '../core/ledger';
export * as ledgerFile from '../cli/provenance/ledgerFile';
// Signing and reject-baseline checks: the same functions `airlock review` uses.
export * as reviewDecision from '../cli/provenance/reviewDecision';
export * as provenance from '../core/provenance';
export { FingerprintIndex } from '../core/provenance/fingerprintIndex';
export * as gateway from '../gateway';
export * as fingerprints from '../cli/fingerprint/workspaceIndex';
export * as org from '../cli/orgPolicy';
export * as jsonc from 'jsonc-parser';
export * as agentGuard from '../cli/hooks/agentGuard';
// git-ai's authorship notes (refs/notes/ai) as contributions: the records `airlock check` folds in too.
export * as gitAiNotes from '../cli/provenance/gitAiNotes';
