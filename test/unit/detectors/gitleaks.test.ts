// Bring your own rules: a policy imports a gitleaks-format config (`detectors.import`). Its
// rules run on RE2 with their keywords, entropy, secretGroup and allowlists (rule and global,
// regexTarget, stopwords); `[extend] useDefault = true` keeps the built-in pack; unsupported
// fields are reported with the line that wrote them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPolicy } from '../../../extension/core/policy';
import { importGitleaksConfig } from '../../../extension/core/detectors/gitleaks';
import { evaluateOne } from '../../../extension/cli/scan/evaluate';
import { memoryReader } from '../policy/memoryReader';
import { fakeGithubToken } from './samples';

const GITLEAKS = `title = "acme gitleaks config"

[extend]
useDefault = true

[[rules]]
id = "acme-internal-token"
description = "ACME internal service token"
regex = '''\\b(acme_(?:live|test)_[a-z0-9]{32})\\b'''
keywords = ["acme_live_", "acme_test_"]
entropy = 3.0
tags = ["internal"]

[[rules.allowlists]]
description = "test tokens are fine"
regexes = ['''^acme_test_''']

[[rules]]
id = "acme-db-password"
description = "ACME DB password in config"
regex = '''(?i)acme_db_pass(?:word)?\\s*[=:]\\s*["']?([^\\s"']{8,64})'''
secretGroup = 1
keywords = ["acme_db_pass"]
path = '''(?i)\\.env$'''

[rules.allowlist]
regexTarget = "line"
regexes = ['''#\\s*example''']
stopwords = ["changeme"]

[[rules]]
id = "acme-path-only"
description = "files that must never leave"
path = '''(?i)secrets/.*\\.kdbx$'''

[allowlist]
description = "global"
stopwords = ["dummyvalue"]
paths = ['''node_modules/''']
commits = ["abc123"]
`;

const POLICY = '{ "extends": ["airlock:secrets"], "detectors": { "import": ["./.gitleaks.toml"] } }';
const SECRET_ID = 'abcdefghij0123456789klmnopqrstuv'.split('').reverse().join('');

async function load() {
  return loadPolicy('/ws/.airlock/policy.jsonc', memoryReader({ '/ws/.airlock/policy.jsonc': POLICY, '/ws/.airlock/.gitleaks.toml': GITLEAKS }));
}
const req = (text: string) => ({ destination: 'https://api.openai.com/v1/chat/completions', segments: [{ id: 'm', role: 'user' as const, text }], referencedPaths: [] });

test('the config loads: rules compiled, unsupported fields reported with their line, as warnings', async () => {
  const { ok, problems } = await load();
  assert.ok(ok, JSON.stringify(problems));
  const lines = GITLEAKS.split('\n');
  const lineOf = (needle: string) => lines.findIndex((l) => l.startsWith(needle)) + 1;
  const reported = problems.map((p) => `${p.source}:${p.line} ${p.severity}`);
  assert.ok(problems.every((p) => p.source === '/ws/.airlock/.gitleaks.toml' && p.severity === 'warning'), reported.join('; '));
  assert.ok(problems.some((p) => p.line === lineOf("path = '''(?i)\\.env") && /path/.test(p.message)), reported.join('; '));
  assert.ok(problems.some((p) => p.line === lineOf('paths = ') && /paths/.test(p.message)));
  assert.ok(problems.some((p) => p.line === lineOf('commits = ') && /commits/.test(p.message)));
  assert.ok(problems.some((p) => /without a regex/.test(p.message)));
});

test('imported rules find their secrets; rule and global allowlists and stopwords apply', async () => {
  const { policy } = await load();
  const live = policy.evaluateEgress(req(`token: acme_live_${SECRET_ID}`));
  assert.equal(live.action, 'redact');
  assert.deepEqual(live.findings.map((f) => f.detector), ['acme-internal-token']);
  assert.equal(policy.evaluateEgress(req(`token: acme_test_${SECRET_ID}`)).action, 'allow', 'rule allowlist (regexes, target secret)');
  const pw = policy.evaluateEgress(req('ACME_DB_PASSWORD = "x7Qp2LmZ9vR4"'));
  assert.deepEqual(pw.findings.map((f) => f.detector), ['acme-db-password']);
  // A rule's allowlist silences that rule only (the built-in generic detector may still see a value).
  const by = (text: string) => policy.evaluateEgress(req(text)).findings.map((f) => f.detector);
  assert.ok(!by('ACME_DB_PASSWORD = "x7Qp2LmZ9vR4" # example').includes('acme-db-password'), 'regexTarget = line');
  assert.ok(!by('ACME_DB_PASSWORD = "changeme-x7Qp2"').includes('acme-db-password'), 'rule stopword');
  assert.ok(!by('ACME_DB_PASSWORD = "dummyvalue-x7Qp2"').includes('acme-db-password'), 'global stopword');
});

test('[extend] useDefault = true keeps the built-in pack beside the imported rules', async () => {
  const { policy } = await load();
  const v = policy.evaluateEgress(req(`GH=${fakeGithubToken(3)}`));
  assert.deepEqual(v.findings.map((f) => f.detector), ['github-pat-classic']);
});

test('without useDefault the built-in pack is whatever the policy says; a bad regex is an error at its line', async () => {
  const bad = importGitleaksConfig('[[rules]]\nid = "bad"\nregex = \'\'\'(?<=x)abc\'\'\'\n');
  assert.equal(bad.useDefault, false);
  assert.deepEqual(bad.problems.map((p) => [p.line, p.severity]), [[3, 'error']]);
  assert.match(bad.problems[0]!.message, /lookahead\/lookbehind/);
  const broken = importGitleaksConfig('[[rules]\nid = 1');
  assert.equal(broken.problems[0]?.severity, 'error');
  const { ok } = await loadPolicy('/ws/p.jsonc', memoryReader({ '/ws/p.jsonc': '{ "extends": ["airlock:secrets"], "detectors": { "import": ["./g.toml"] } }', '/ws/g.toml': '[[rules]]\nid = "bad"\nregex = \'\'\'(?<=x)abc\'\'\'\n' }));
  assert.equal(ok, false, 'a policy whose imported rules cannot compile does not load (fail closed)');
  const missing = await loadPolicy('/ws/p.jsonc', memoryReader({ '/ws/p.jsonc': '{ "detectors": { "import": ["./nope.toml"] } }' }));
  assert.equal(missing.ok, false);
  assert.match(missing.problems[0]!.message, /cannot read detectors.import/);
});

test('global allowlists also silence the built-in pack, as they do gitleaks defaults', async () => {
  const { policy } = await load();
  const token = fakeGithubToken(9);
  const toml = GITLEAKS.replace('stopwords = ["dummyvalue"]', `stopwords = ["dummyvalue", "${token.slice(4, 14)}"]`);
  const { policy: silenced } = await loadPolicy('/ws/.airlock/policy.jsonc', memoryReader({ '/ws/.airlock/policy.jsonc': POLICY, '/ws/.airlock/.gitleaks.toml': toml }));
  assert.equal(policy.evaluateEgress(req(`GH=${token}`)).action, 'redact');
  assert.equal(silenced.evaluateEgress(req(`GH=${token}`)).action, 'allow');
});

test('airlock scan loads the imported config from disk and reports its findings and warnings', async () => {
  const { runAirlock, tempTree } = await import('../cli/scanSupport');
  const { rmSync } = await import('node:fs');
  const root = tempTree({
    '.airlock/policy.jsonc': '{ "extends": ["airlock:secrets"], "detectors": { "import": ["../.gitleaks.toml"] } }',
    '.gitleaks.toml': GITLEAKS,
    'app.env': `ACME_TOKEN=acme_live_${SECRET_ID}\n`,
  });
  try {
    const result = await runAirlock(['scan', 'app.env'], root);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^app\.env:1:12: redact secrets acme-internal-token /m);
    assert.match(result.stderr, /\.gitleaks\.toml:\d+:1: warning: .*path/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

// An imported rule's allowlists on one long line (a minified file, a request body without line
// breaks): the line around each match was looked up afresh, and a line regex run over it, per
// match: quadratic (1 MB: 11 s). Same answers, linear now.
test('rule allowlists stay linear on one long line (line regexes, stopwords)', async () => {
  const { compileDetectors, scanText } = await import('../../../extension/core/detectors');
  const imported = importGitleaksConfig(`
[[rules]]
id = "tok"
regex = '''tok_[a-z0-9]{8}'''
keywords = ["tok_"]
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''^#''']
[[rules.allowlists]]
stopwords = ["qqqq"]
`);
  assert.deepEqual(imported.problems, []);
  const compiled = compileDetectors(imported.detectors);
  const line = 'tok_a1b2c3d4 '.repeat((2 << 20) / 13);
  const started = performance.now();
  const found = scanText(line, compiled);
  const elapsed = performance.now() - started;
  assert.equal(found.length, (2 << 20) / 13 | 0);
  assert.ok(elapsed < 1500, `${elapsed.toFixed(0)} ms for 2 MB on one line`);
  // The same allowlists still drop what they name.
  assert.deepEqual(scanText('# tok_a1b2c3d4 tok_b1b2c3d4', compiled), []);
  assert.equal(scanText('x tok_qqqqc3d4 tok_b1b2c3d4', compiled).length, 1);
});

test('an imported rule that dense text would make quadratic fails closed with its id, never hangs or echoes the text', { timeout: 30_000 }, async () => {
  // `(?:.*Z)?` makes every match read on to the end of its line: 256 KB of "key " took minutes.
  const config = '[[rules]]\nid = "greedy-tail"\nregex = \'\'\'key(?:.*Z)?\'\'\'\nkeywords = ["key"]\n';
  const { ok, policy } = await loadPolicy('/ws/.airlock/policy.jsonc', memoryReader({ '/ws/.airlock/policy.jsonc': POLICY, '/ws/.airlock/.gitleaks.toml': config }));
  assert.ok(ok);
  const hostile = `${'key '.repeat(64 * 1024)}${SECRET_ID}`;
  const verdict = policy.evaluateEgress(req(hostile));
  assert.equal(verdict.action, 'block');
  assert.equal(verdict.rule, 'airlock:engine-error');
  assert.match(verdict.message ?? '', /detector "greedy-tail"/);
  assert.ok(!JSON.stringify(verdict).includes(SECRET_ID) && !JSON.stringify(verdict).includes('key key'));
  // `airlock scan` reports such a file as blocked (the gateway refuses the request likewise).
  const result = evaluateOne(policy, hostile, 'big.min.js', 'big.min.js', 'https://api.openai.com/v1/chat/completions');
  assert.equal(result.action, 'block');
  assert.ok(!JSON.stringify(result).includes(SECRET_ID));
  // Ordinary text under the same rule is untouched.
  assert.equal(policy.evaluateEgress(req('x = 1\nkey = "abc" Z\n')).action, 'redact');
});

test('one time budget per request: many hostile segments, each cheap enough alone, still fail closed', { timeout: 20_000 }, async () => {
  const config = '[[rules]]\nid = "greedy-tail"\nregex = \'\'\'key(?:.*Z)?\'\'\'\nkeywords = ["key"]\n';
  const { policy } = await loadPolicy('/ws/.airlock/policy.jsonc', memoryReader({ '/ws/.airlock/policy.jsonc': POLICY, '/ws/.airlock/.gitleaks.toml': config }));
  // 8 KB of "key key …" takes about 0.15 s: under one scan's 0.25 s floor, so 200 of them took 30 s with a budget per scan.
  const segments = Array.from({ length: 200 }, (_, i) => ({ id: `m${i}`, role: 'user' as const, text: 'key '.repeat(2048) }));
  const verdict = policy.evaluateEgress({ destination: 'https://api.openai.com/v1/chat/completions', segments, referencedPaths: [] });
  assert.equal(verdict.action, 'block');
  assert.match(verdict.message ?? '', /detector "greedy-tail"/);
});
