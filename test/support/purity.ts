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

/** Every module specifier a source imports, exports from, requires or imports dynamically (string literals only). */
export function importedModules(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1]!);
  return found;
}
