// The scan walker: .gitignore at every level (checked against git itself), .git skipped,
// binary and oversized files reported, explicit files, deterministic order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { collectInputs, MissingPathError } from '../../../extension/cli/scan/walk';
import { tempTree } from './scanSupport';

const tree = tempTree;

const noStdin = async () => '';

async function walked(root: string, paths = ['.'], maxFileBytes = 1 << 20) {
  const result = await collectInputs(paths, root, { maxFileBytes, readStdin: noStdin });
  const rel = (p: string | undefined) => relative(root, p ?? '').split(sep).join('/');
  return { files: result.inputs.map((i) => rel(i.absolutePath)), skipped: result.skipped.map((s) => `${rel(s.absolutePath)} (${s.reason})`) };
}

const IGNORE_CASES: Record<string, string> = {
  '.gitignore': '*.log\n!keep.log\n/build\ndist/\n**/cache/**\ndocs/**/draft.md\nnode_modules\n\\#literal\n',
  'a.log': 'x',
  'keep.log': 'x',
  'build/out.js': 'x',
  'src/build/kept.js': 'x',
  'dist': 'a file named dist is not a directory',
  'pkg/dist/bundle.js': 'x',
  'pkg/cache/x.txt': 'x',
  'pkg/cache': 'never', // placeholder overwritten below; cache/ must be a folder
  'docs/draft.md': 'x',
  'docs/a/b/draft.md': 'x',
  'docs/a/final.md': 'x',
  'node_modules/m/index.js': 'x',
  'lib/node_modules/y.js': 'x',
  '#literal': 'x',
  'sub/.gitignore': '!a.log\n/only-here.txt\n*.tmp\n',
  'sub/a.log': 'x',
  'sub/only-here.txt': 'x',
  'sub/deeper/only-here.txt': 'x',
  'sub/deeper/t.tmp': 'x',
  'sub/deeper/.gitignore': '!t.tmp\n',
  'x.tmp': 'not ignored at the top level',
  'src/main.ts': 'x',
  'src/[weird] name.ts': 'x',
};
delete IGNORE_CASES['pkg/cache'];

test('walks with .gitignore semantics identical to git ls-files --exclude-standard', async (t) => {
  const root = tree(IGNORE_CASES);
  try {
    const ours = (await walked(root)).files;
    const init = spawnSync('git', ['init', '-q'], { cwd: root });
    if (init.error || init.status !== 0) {
      t.skip('git is not available to compare with');
      return;
    }
    const listed = spawnSync('git', ['-c', 'core.quotepath=off', 'ls-files', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
    const gits = listed.stdout.split('\0').filter(Boolean).sort();
    assert.deepEqual([...ours].sort(), gits);
    assert.ok(!ours.includes('a.log') && ours.includes('keep.log') && ours.includes('sub/a.log'));
    assert.ok(ours.includes('x.tmp') && !ours.includes('sub/x.tmp') && ours.includes('sub/deeper/t.tmp'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('.git is always skipped, order is deterministic (code point order, depth first)', async () => {
  const root = tree({ '.git/config': 'secret=1', 'b.txt': 'b', 'B.txt': 'B', 'a/z.txt': 'z', 'a/y.txt': 'y', 'c.txt': 'c' });
  try {
    const { files } = await walked(root);
    assert.deepEqual(files, ['B.txt', 'a/y.txt', 'a/z.txt', 'b.txt', 'c.txt']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('binary files and files over the cap are reported as skipped', async () => {
  const root = tree({ 'img.png': Buffer.from([0x89, 0x50, 0x00, 0x47]), 'big.txt': 'x'.repeat(2000), 'ok.txt': 'fine' });
  try {
    const { files, skipped } = await walked(root, ['.'], 1000);
    assert.deepEqual(files, ['ok.txt']);
    assert.deepEqual(skipped, ['big.txt (larger than 1000 bytes)', 'img.png (binary)']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('binary means a NUL in the first 8000 BYTES, as git says, however the text decodes', async () => {
  // The walker decodes first and asks the text; these files put the NUL where chars and bytes
  // disagree (multi-byte chars, invalid UTF-8), on both sides of byte 8000.
  const euro = Buffer.from('\u20ac'); // 3 bytes, 1 char
  const cut = Buffer.from([0xe2, 0x82]); // a truncated sequence: 2 bytes, 1 U+FFFD
  const nul = Buffer.from([0]);
  const files: Record<string, Buffer> = {
    'late-nul-multibyte.txt': Buffer.concat([...Array<Buffer>(3000).fill(euro), nul, Buffer.from('tail')]), // NUL at byte 9000, char 3000
    'early-nul-multibyte.txt': Buffer.concat([...Array<Buffer>(2666).fill(euro), nul]), // NUL at byte 7998
    'nul-at-8000-invalid.txt': Buffer.concat([...Array<Buffer>(4000).fill(cut), nul, Buffer.from('x')]), // NUL at byte 8000, char 4000
    'nul-at-7999-invalid.txt': Buffer.concat([Buffer.from('a'), ...Array<Buffer>(3999).fill(cut), nul]), // NUL at byte 7999
    'invalid-no-nul.txt': Buffer.concat([Buffer.from('key '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' end')]),
    'bom.txt': Buffer.from('\ufeffhello'),
  };
  const root = tree(files);
  try {
    const result = await collectInputs(['.'], root, { maxFileBytes: 1 << 20, readStdin: noStdin });
    const rel = (p: string | undefined) => relative(root, p ?? '');
    assert.deepEqual(result.skipped.map((s) => `${rel(s.absolutePath)} (${s.reason})`), ['early-nul-multibyte.txt (binary)', 'nul-at-7999-invalid.txt (binary)']);
    for (const input of result.inputs) {
      const name = rel(input.absolutePath);
      const expected = files[name]!.toString('utf8').replace(/^\ufeff/, '');
      assert.ok(input.text === expected, `${name} is the text Buffer#toString decodes (invalid sequences as U+FFFD, BOM dropped)`);
    }
    assert.deepEqual(result.inputs.map((i) => rel(i.absolutePath)), ['bom.txt', 'invalid-no-nul.txt', 'late-nul-multibyte.txt', 'nul-at-8000-invalid.txt']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('each file is read whole and alone: files past the reused read buffer, after and before smaller ones, ASCII and not', async () => {
  // The walker reads into one buffer it reuses (1 MB) and decodes ASCII as Latin-1: a text must
  // never carry bytes of the file read before it, nor be cut at the buffer's size.
  const big = (char: string, bytes: number) => char.repeat(Math.ceil(bytes / Buffer.byteLength(char))).slice(0, Math.ceil(bytes / Buffer.byteLength(char)));
  const files: Record<string, string> = {
    'a-large.txt': big('A', 1024 * 1024 + 7),
    'b-small.txt': 'b',
    'c-empty.txt': '',
    'd-exact.txt': big('d', 1024 * 1024),
    'e-utf8-large.txt': big('\u00e9', 1024 * 1024 + 5) + 'end',
    'f-ascii-after.txt': 'short ascii',
    'g-utf8-small.txt': 'caf\u00e9 \u{1f511}',
  };
  const root = tree(files);
  try {
    const result = await collectInputs(['.'], root, { maxFileBytes: 4 << 20, readStdin: noStdin });
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(result.inputs.map((i) => relative(root, i.absolutePath ?? '')), Object.keys(files));
    for (const input of result.inputs) {
      const name = relative(root, input.absolutePath ?? '');
      assert.ok(input.text === files[name], `${name}: ${input.text.length} chars read, ${files[name]!.length} written`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a folder inside a repository honours the .gitignore files above it', async () => {
  const root = tree({ '.gitignore': 'generated/\n', 'pkg/src/generated/g.ts': 'x', 'pkg/src/a.ts': 'x', 'pkg/.gitignore': '/src/skip.ts\n', 'pkg/src/skip.ts': 'x' });
  mkdirSync(join(root, '.git'));
  try {
    const { files } = await walked(root, ['pkg/src']);
    assert.deepEqual(files, ['pkg/src/a.ts']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an explicitly named file is scanned even when ignored; duplicates are scanned once; stdin is read', async () => {
  const root = tree({ '.gitignore': '*.env\n', 'prod.env': 'A=1', 'b.ts': 'x' });
  try {
    const result = await collectInputs(['prod.env', '.', 'b.ts', '-'], root, { maxFileBytes: 1 << 20, readStdin: async () => '\ufeffpiped' });
    assert.deepEqual(result.inputs.map((i) => (i.absolutePath ? relative(root, i.absolutePath) : '<stdin>')), ['prod.env', '.gitignore', 'b.ts', '<stdin>']);
    assert.equal(result.inputs[3]!.text, 'piped', 'the BOM is dropped');
    await assert.rejects(collectInputs(['missing.ts'], root, { maxFileBytes: 10, readStdin: noStdin }), MissingPathError);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('symlinked directories are reported, not followed; symlinked files are scanned', async (t) => {
  const root = tree({ 'real/a.txt': 'a', 'outside/b.txt': 'b' });
  try {
    try {
      symlinkSync(join(root, 'outside'), join(root, 'real', 'loop'), 'dir');
      symlinkSync(join(root, 'outside', 'b.txt'), join(root, 'real', 'link.txt'));
    } catch {
      t.skip('symlinks are not available here');
      return;
    }
    const { files, skipped } = await walked(root, ['real']);
    assert.deepEqual(files, ['real/a.txt', 'real/link.txt']);
    assert.deepEqual(skipped, ['real/loop (symlinked directory)']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
