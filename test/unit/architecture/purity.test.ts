// Only extension/vscode may import `vscode`: core, gateway and cli must run in plain Node.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { findVscodeImports, importedModules } from '../../support/purity';

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

// core/ is pure: data in, data out. It reads no files and opens no sockets (Node built-ins), and
// data flows one way: core never reaches into gateway/, cli/ or vscode/. Its npm dependencies are
// the pure libraries named here; adding one is a decision, so it is a line in this list.
const CORE_PACKAGES = new Set(['jsonc-parser', 'minimatch', 're2js', 'smol-toml', 'zod']);

test('core imports no Node built-in, nothing of gateway/cli/vscode, and only its pure npm packages', () => {
  const coreDir = join(root, 'extension', 'core');
  const builtins = new Set(builtinModules);
  const offenders = sourcesUnder(coreDir).flatMap((file) =>
    importedModules(readFileSync(file, 'utf8'))
      .filter((spec) => {
        if (spec.startsWith('.')) return !resolve(dirname(file), spec).startsWith(coreDir + sep);
        return spec.startsWith('node:') || builtins.has(spec.split('/')[0]!) || !CORE_PACKAGES.has(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      })
      .map((spec) => `${relative(root, file)}: ${spec}`),
  );
  assert.deepEqual(offenders, []);
});

test('the import reader sees every form of import', () => {
  const source = [
    "import a from 'node:fs';",
    'import type { B } from "../cli/x";',
    "export * from './y';",
    "import 'side';",
    "const c = require('os');",
    "const d = await import('z');",
  ].join('\n');
  assert.deepEqual(importedModules(source).sort(), ['../cli/x', './y', 'node:fs', 'os', 'side', 'z']);
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
