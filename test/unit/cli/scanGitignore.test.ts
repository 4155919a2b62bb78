// gitignore(5) semantics of the scan walker's matcher, rule by rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIgnored, parseGitignore, type IgnoreLayer } from '../../../extension/cli/scan/gitignore';

function layer(text: string, base = ''): IgnoreLayer {
  return { base, rules: parseGitignore(text) };
}

function ignored(text: string, path: string, isDirectory = false): boolean {
  return isIgnored([layer(text)], path, isDirectory);
}

test('a name without slash matches at any depth', () => {
  assert.equal(ignored('node_modules', 'node_modules', true), true);
  assert.equal(ignored('node_modules', 'a/b/node_modules', true), true);
  assert.equal(ignored('*.log', 'x/y/debug.log'), true);
  assert.equal(ignored('*.log', 'x/y/debug.txt'), false);
});

test('a leading or middle slash anchors to the .gitignore directory', () => {
  assert.equal(ignored('/build', 'build', true), true);
  assert.equal(ignored('/build', 'src/build', true), false);
  assert.equal(ignored('doc/frotz', 'doc/frotz', true), true);
  assert.equal(ignored('doc/frotz', 'a/doc/frotz', true), false);
});

test('a trailing slash matches directories only', () => {
  assert.equal(ignored('out/', 'out', true), true);
  assert.equal(ignored('out/', 'out', false), false);
  assert.equal(ignored('out/', 'src/out', true), true);
});

test('negation re-includes, last match wins', () => {
  assert.equal(ignored('*.env\n!example.env', 'example.env'), false);
  assert.equal(ignored('*.env\n!example.env', 'prod.env'), true);
  assert.equal(ignored('!example.env\n*.env', 'example.env'), true);
});

test('** spans directories: leading, trailing and in the middle', () => {
  assert.equal(ignored('**/foo', 'foo'), true);
  assert.equal(ignored('**/foo', 'a/b/foo'), true);
  assert.equal(ignored('**/foo/bar', 'x/foo/bar'), true);
  assert.equal(ignored('abc/**', 'abc/x/y'), true);
  assert.equal(ignored('abc/**', 'abc', true), false);
  assert.equal(ignored('a/**/b', 'a/b'), true);
  assert.equal(ignored('a/**/b', 'a/x/y/b'), true);
  assert.equal(ignored('a/**/b', 'a/x/c'), false);
  // `**` not between slashes is a plain star that stops at '/'.
  assert.equal(ignored('/a**z', 'abcz'), true);
  assert.equal(ignored('/a**z', 'a/z'), false);
});

test('*, ? and classes never match a slash', () => {
  assert.equal(ignored('/a*c', 'ab/c'), false);
  assert.equal(ignored('/a?c', 'abc'), true);
  assert.equal(ignored('/a?c', 'a/c'), false);
  assert.equal(ignored('file[0-9].txt', 'file7.txt'), true);
  assert.equal(ignored('file[!0-9].txt', 'file7.txt'), false);
  assert.equal(ignored('file[!0-9].txt', 'fileA.txt'), true);
});

test('comments, blank lines, escapes and trailing spaces', () => {
  assert.equal(ignored('# comment\n\n', '# comment'), false);
  assert.equal(ignored('\\#hash', '#hash'), true);
  assert.equal(ignored('\\!bang', '!bang'), true);
  assert.equal(ignored('trail   ', 'trail'), true);
  assert.equal(ignored('space\\ ', 'space '), true);
  assert.equal(ignored('a.b', 'axb'), false, 'dots are literal');
  assert.equal(ignored('\\*star', '*star'), true);
  assert.equal(ignored('\\*star', 'xstar'), false);
});

test('CRLF files parse like LF files', () => {
  assert.equal(ignored('*.tmp\r\n!keep.tmp\r\n', 'keep.tmp'), false);
  assert.equal(ignored('*.tmp\r\n!keep.tmp\r\n', 'x.tmp'), true);
});

test('deeper .gitignore files override shallower ones and see paths relative to themselves', () => {
  const layers = [layer('*.secret'), layer('!public.secret\n/local.txt', 'pkg')];
  assert.equal(isIgnored(layers, 'pkg/public.secret', false), false);
  assert.equal(isIgnored(layers, 'other/public.secret', false), true);
  assert.equal(isIgnored(layers, 'pkg/local.txt', false), true);
  assert.equal(isIgnored(layers, 'pkg/sub/local.txt', false), false);
  assert.equal(isIgnored(layers, 'local.txt', false), false);
});
