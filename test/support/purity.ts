// Finds imports of the `vscode` module in source text (ES imports/exports, require, dynamic import).
const PATTERNS = [
  /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]vscode['"]/gm,
  /^\s*import\s*['"]vscode['"]/gm,
  /\brequire\s*\(\s*['"]vscode['"]\s*\)/g,
  /\bimport\s*\(\s*['"]vscode['"]\s*\)/g,
];

export function findVscodeImports(source: string): string[] {
  return PATTERNS.flatMap((pattern) => source.match(pattern) ?? []);
}
