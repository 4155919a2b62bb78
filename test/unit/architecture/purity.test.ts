// Only extension/vscode may import `vscode`: core, gateway and cli must run in plain Node.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { findVscodeImports } from '../../support/purity';

const root = join(__dirname, '..', '..', '..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourcesUnder(full);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(name) ? [full] : [];
  });
}

test('no source outside extension/vscode imports vscode', () => {
  const offenders = ['core', 'gateway', 'cli']
    .flatMap((area) => sourcesUnder(join(root, 'extension', area)))
    .filter((file) => findVscodeImports(readFileSync(file, 'utf8')).length > 0)
    .map((file) => relative(root, file));
  assert.deepEqual(offenders, []);
});

test('the purity check catches every way of importing vscode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-purity-'));
  try {
    mkdirSync(join(dir, 'core'));
    const samples = [
      "import * as vscode from 'vscode';",
      'import { window } from "vscode";',
      "import type { Uri } from 'vscode';",
      "const vscode = require('vscode');",
      "export { window } from 'vscode';",
      "const v = await import('vscode');",
    ];
    for (const [i, sample] of samples.entries()) {
      const file = join(dir, 'core', `sample${i}.ts`);
      writeFileSync(file, `// a core file\n${sample}\n`);
      assert.equal(findVscodeImports(readFileSync(file, 'utf8')).length, 1, sample);
    }
    assert.equal(findVscodeImports("// mentions 'vscode' in a comment only\nconst name = 'vscode-like';\n").length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
