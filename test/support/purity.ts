// Module specifiers a source imports (ES imports/exports, require, dynamic import), and the
// imports of `vscode` among them.

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

export function findVscodeImports(source: string): string[] {
  return importedModules(source).filter((spec) => spec === 'vscode');
}
