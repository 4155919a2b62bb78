// The secrets detector pack: built-in credential formats, custom detectors written by policy
// authors (RE2, linear time), and one scan over text that reports where each secret value is.
//
//   const compiled = compileDetectors([...BUILTIN_SECRET_DETECTORS, compileCustomDetector(def)], { allowlist });
//   for (const m of scanText(text, compiled)) redact(m.start, m.end, `[REDACTED:${m.detector}#n]`);
export type {
  CompileDetectorsOptions,
  CompiledDetectors,
  DetectorAllowlist,
  DetectorSpec,
  MatchContext,
  SecretMatch,
} from './types';
export { DecodeBudgetError, DetectorBudgetError, DetectorCompileError } from './types';
export { compileDetectors } from './compile';
export { scanText } from './scan';
export { compileCustomDetector, type CustomDetector, type CustomDetectorDefinition } from './custom';
export { shannonEntropy } from './entropy';
export { previewSecret } from './preview';
export { BUILTIN_SECRET_DETECTORS, BUILTIN_DETECTOR_IDS } from './builtin';
