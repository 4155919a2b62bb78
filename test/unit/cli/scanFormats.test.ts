// The three output formats of `airlock scan`, on a hand-built report: text lines, the exact
// JSON shape, and the SARIF 2.1.0 fields GitHub code scanning requires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport, toJson } from '../../../extension/cli/scan/formats';
import { findingsOf, maskValue, strongest, type ScanReport } from '../../../extension/cli/scan/report';
import { lineStarts, positionAt } from '../../../extension/cli/scan/positions';
import { parseScanArgs, ScanUsageError, DEFAULT_DESTINATION } from '../../../extension/cli/scan/args';
import { assertValidSarif } from './scanSarifShape';
import { ENGINE_ERROR_RULE, evaluateInputs, requestFor } from '../../../extension/cli/scan/evaluate';

// Assembled so that this file itself holds no scannable literal.
const SECRET = ['AKIA', 'Z3MXQ7RTV5LPWD2N'].join('');
const TEXT = `const a = 1;\r\nconst key = "${SECRET}";\n\tpassword = "hunter22"\n`;
const KEY_AT = TEXT.indexOf(SECRET);
const PW_AT = TEXT.indexOf('hunter22');

function report(): ScanReport {
  const findings = findingsOf(
    {
      action: 'block',
      rule: 'no-secrets',
      message: 'Secrets never leave.',
      findings: [
        { rule: 'warn-passwords', detector: 'password-assignment', kind: 'secret', action: 'warn', segment: 'file', start: PW_AT, end: PW_AT + 8 },
        { rule: 'no-secrets', detector: 'aws-access-key', kind: 'secret', action: 'block', segment: 'file', start: KEY_AT, end: KEY_AT + SECRET.length },
        { rule: 'protected', kind: 'protected-path', action: 'audit', path: 'src/x y.ts' },
      ],
    },
    'src/x y.ts',
    TEXT,
  );
  return { verdict: 'block', destination: DEFAULT_DESTINATION, policy: ['airlock:secrets'], filesScanned: 2, findings, skipped: [{ path: 'logo.png', reason: 'binary' }] };
}

test('positions are 1-based, in UTF-16 units, across \\n, \\r\\n and \\r', () => {
  const starts = lineStarts('ab\r\ncd\ref\ng');
  assert.deepEqual(positionAt(starts, 0), { line: 1, column: 1 });
  assert.deepEqual(positionAt(starts, 4), { line: 2, column: 1 });
  assert.deepEqual(positionAt(starts, 8), { line: 3, column: 2 });
  assert.deepEqual(positionAt(starts, 10), { line: 4, column: 1 });
  assert.deepEqual(positionAt(lineStarts('😀x'), 2), { line: 1, column: 3 });
});

test('findings are positioned, sorted and masked; the overall action is the strongest', () => {
  const { findings } = report();
  assert.deepEqual(
    findings.map((f) => [f.line, f.column, f.endLine, f.endColumn, f.rule]),
    [
      [1, 1, 1, 1, 'protected'],
      [2, 14, 2, 34, 'no-secrets'],
      [3, 14, 3, 22, 'warn-passwords'],
    ],
  );
  assert.equal(findings[1]!.preview, 'AK…2N');
  assert.equal(findings[1]!.message, 'Secrets never leave.');
  assert.equal(maskValue('hunter22'), 'h…2', 'a short value shows a quarter at most');
  assert.equal(maskValue('abc'), '…');
  assert.equal(strongest(['audit', 'warn', 'allow']), 'warn');
  assert.equal(strongest([]), 'allow');
});

test('text: path:line:col: action rule detector preview, skipped files and a summary', () => {
  const out = formatReport(report(), 'text');
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[0], 'src/x y.ts:1:1: audit protected protected-path');
  assert.equal(lines[1], 'src/x y.ts:2:14: block no-secrets aws-access-key AK…2N');
  assert.equal(lines[2], 'src/x y.ts:3:14: warn warn-passwords password-assignment h…2');
  assert.equal(lines[3], 'logo.png: skipped (binary)');
  assert.match(lines.at(-1)!, /^airlock scan: block — 3 findings in 1 of 2 files scanned, 1 skipped/);
});

test('json: exactly the documented keys per finding, 1-based positions, no values', () => {
  const json = JSON.parse(formatReport(report(), 'json')) as ReturnType<typeof toJson>;
  assert.equal(json.verdict, 'block');
  assert.deepEqual(Object.keys(json).slice(0, 2), ['verdict', 'findings']);
  for (const f of json.findings) {
    for (const key of ['detector', 'rule', 'action', 'path', 'line', 'column']) assert.ok(key in f, `finding has ${key}`);
  }
  assert.deepEqual(json.findings[1], {
    detector: 'aws-access-key', rule: 'no-secrets', action: 'block', path: 'src/x y.ts', line: 2, column: 14, endLine: 2, endColumn: 34, kind: 'secret',
  });
  assert.equal(json.findings[0]!.detector, null);
  assert.deepEqual(json.skipped, [{ path: 'logo.png', reason: 'binary' }]);
});

test('sarif: valid 2.1.0 for GitHub code scanning, levels by action, relative URIs', () => {
  const sarif = JSON.parse(formatReport(report(), 'sarif', { describeDetector: (id) => (id === 'aws-access-key' ? 'AWS access key id' : undefined) }));
  assertValidSarif(sarif);
  const run = sarif.runs[0];
  assert.deepEqual(run.results.map((r: { level: string }) => r.level), ['note', 'error', 'warning']);
  const key = run.results[1];
  assert.equal(key.ruleId, 'no-secrets/aws-access-key');
  assert.equal(run.tool.driver.rules[key.ruleIndex].shortDescription.text, 'AWS access key id');
  assert.deepEqual(key.locations[0].physicalLocation, {
    artifactLocation: { uri: 'src/x%20y.ts', uriBaseId: '%SRCROOT%' },
    region: { startLine: 2, startColumn: 14, endLine: 2, endColumn: 34 },
  });
  // A position-only finding still gets a non-empty region.
  assert.equal(run.results[0].locations[0].physicalLocation.region.endColumn, 2);
  const prints = run.results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['airlockFinding/v1']);
  assert.equal(new Set(prints).size, prints.length);
});

test('no format prints a scanned value', () => {
  for (const format of ['text', 'json', 'sarif'] as const) {
    const out = formatReport(report(), format);
    assert.ok(!out.includes(SECRET), `${format} leaks the key`);
    assert.ok(!out.includes('hunter22'), `${format} leaks the password`);
  }
});

test('scan arguments: options, defaults and usage errors', () => {
  const parsed = parseScanArgs(['--format=json', '--policy', 'p.jsonc', '--destination', 'http://127.0.0.1:9/x', 'a', '-', '--', '--b']);
  assert.equal(parsed.format, 'json');
  assert.equal(parsed.policy, 'p.jsonc');
  assert.equal(parsed.destination, 'http://127.0.0.1:9/x');
  assert.deepEqual(parsed.paths, ['a', '-', '--b']);
  assert.deepEqual(parseScanArgs([]).paths, ['.']);
  assert.equal(parseScanArgs([]).destination, DEFAULT_DESTINATION);
  for (const bad of [['--format', 'xml'], ['--nope'], ['--policy'], ['--destination', 'not a url'], ['--destination', 'ftp://x/'], ['-', '-'], ['--max-file-size', '0']]) {
    assert.throws(() => parseScanArgs(bad), ScanUsageError, bad.join(' '));
  }
});

test('an engine failure on one input fails closed: block, without the text or the error in the report', () => {
  const thrown: string[] = [];
  const policy = {
    layers: ['workspace'],
    evaluateEgress: (request: { segments: { text: string }[] }) => {
      if (request.segments[0]!.text.includes('boom')) throw new Error(`engine choked on ${request.segments[0]!.text}`);
      return { action: 'allow' as const, findings: [], message: '' };
    },
    reviewFor: () => ({}),
    isProtectedPath: () => undefined,
  };
  const result = evaluateInputs(policy, [{ absolutePath: '/r/a.ts', text: 'fine' }, { absolutePath: '/r/b.ts', text: `boom ${SECRET}` }], [], {
    destination: DEFAULT_DESTINATION,
    displayPath: (p) => p!.slice(3),
    requestPath: (p) => p!.slice(3),
    onEngineError: (path) => thrown.push(path),
  });
  assert.equal(result.verdict, 'block');
  assert.deepEqual(thrown, ['b.ts']);
  assert.deepEqual(result.findings.map((f) => [f.path, f.rule, f.action]), [['b.ts', ENGINE_ERROR_RULE, 'block']]);
  for (const format of ['text', 'json', 'sarif'] as const) assert.ok(!formatReport(result, format).includes(SECRET));
});

test('each file is asked about as one file segment, referenced by its path', () => {
  assert.deepEqual(requestFor({ absolutePath: '/r/src/a.ts', text: 'x' }, 'src/a.ts', DEFAULT_DESTINATION), {
    destination: DEFAULT_DESTINATION,
    segments: [{ id: 'file', role: 'file', text: 'x', path: 'src/a.ts' }],
    referencedPaths: ['src/a.ts'],
  });
  assert.deepEqual(requestFor({ text: 'y' }, undefined, DEFAULT_DESTINATION).referencedPaths, []);
});
