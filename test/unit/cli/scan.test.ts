// `airlock scan` end to end, in-process: inputs, policies, formats and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertValidSarif } from './scanSarifShape';
import { BLOCK_SECRETS_POLICY, runAirlock, tempTree } from './scanSupport';

// Realistic-looking fakes, assembled so that this file itself holds no scannable literal.
const AWS_KEY = ['AKIA', 'Z3MXQ7RTV5LPWD2N'].join('');
const GITHUB_TOKEN = ['ghp_', 'R8fK2mQ9xLw4TzV7nB3cY6hJ1pD5sA3YxdV5'].join('');
const STRIPE_KEY = ['sk_live_', '51Hx9QmK2vLpR8tYzW3nB6cJ0aF'].join('');

function withTree<T>(files: Record<string, string | Buffer>, body: (root: string) => Promise<T>): Promise<T> {
  const root = tempTree(files);
  return body(root).finally(() => rmSync(root, { recursive: true, force: true }));
}

test('finds secrets in a folder, honours .gitignore, reports with positions; default preset redacts (exit 0)', () =>
  withTree(
    {
      '.gitignore': 'ignored/\n*.local\n',
      'src/config.ts': `export const region = 'eu-west-1';\nexport const key = '${AWS_KEY}';\n`,
      'ignored/leak.ts': `const t = '${GITHUB_TOKEN}';\n`,
      'dev.local': `STRIPE=${STRIPE_KEY}\n`,
      'README.md': 'nothing to see\n',
    },
    async (root) => {
      const result = await runAirlock(['scan', '.'], root);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trimEnd().split('\n');
      assert.equal(lines[0], 'src/config.ts:2:21: redact secrets aws-access-key-id AK…2N');
      assert.match(lines.at(-1)!, /^airlock scan: redact — 1 finding in 1 of 3 files scanned \(destination https:\/\/api\.openai\.com\/v1\/chat\/completions; policy airlock:secrets\)$/);
      assert.ok(!result.stdout.includes('ignored/leak.ts') && !result.stdout.includes('dev.local'));
    },
  ));

test('exit 1 when the verdict is block; the overall verdict is the strongest over files', () =>
  withTree({ 'policy.jsonc': BLOCK_SECRETS_POLICY, 'a.env': `AWS_ACCESS_KEY_ID=${AWS_KEY}\n`, 'b.ts': 'export {};\n' }, async (root) => {
    const blocked = await runAirlock(['scan', '--policy', 'policy.jsonc', '--format', 'json', 'a.env', 'b.ts'], root);
    assert.equal(blocked.code, 1, blocked.stderr);
    assert.equal(JSON.parse(blocked.stdout).verdict, 'block');
    const clean = await runAirlock(['scan', '--policy', 'policy.jsonc', 'b.ts'], root);
    assert.equal(clean.code, 0);
    assert.match(clean.stdout, /^airlock scan: allow — 0 findings in 0 of 1 file scanned/m);
  }));

test('stdin with -, named with --stdin-name', () =>
  withTree({}, async (root) => {
    const result = await runAirlock(['scan', '--format', 'json', '--stdin-name', 'pasted/snippet.py', '-'], root, `print("hi")\ntoken = "${GITHUB_TOKEN}"\n`);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.deepEqual(json.findings.map((f: Record<string, unknown>) => [f.path, f.line, f.column, f.detector]), [['pasted/snippet.py', 2, 10, 'github-pat-classic']]);
    const anonymous = await runAirlock(['scan', '-'], root, `k=${AWS_KEY}`);
    assert.match(anonymous.stdout, /^<stdin>:1:3: redact secrets aws-access-key-id/);
  }));

test('json has exactly verdict and findings with detector, rule, action, path, line, column', () =>
  withTree({ 'x/y.json': `{\n  "aws": "${AWS_KEY}"\n}\n` }, async (root) => {
    const result = await runAirlock(['scan', '--format=json', 'x'], root);
    const json = JSON.parse(result.stdout);
    assert.equal(json.verdict, 'redact');
    assert.equal(json.findings.length, 1);
    const [finding] = json.findings;
    assert.deepEqual(
      { detector: finding.detector, rule: finding.rule, action: finding.action, path: finding.path, line: finding.line, column: finding.column },
      { detector: 'aws-access-key-id', rule: 'secrets', action: 'redact', path: 'x/y.json', line: 2, column: 11 },
    );
  }));

test('sarif is valid SARIF 2.1.0 with URIs relative to the scan root', () =>
  withTree(
    { 'policy.jsonc': BLOCK_SECRETS_POLICY, 'deep/dir/app config.yml': `stripe: ${STRIPE_KEY}\ngithub: ${GITHUB_TOKEN}\n`, 'pic.png': Buffer.from([1, 0, 2]) },
    async (root) => {
      const result = await runAirlock(['scan', '--policy', 'policy.jsonc', '--format', 'sarif', '.'], root);
      assert.equal(result.code, 1);
      const sarif = JSON.parse(result.stdout);
      assertValidSarif(sarif);
      const run = sarif.runs[0];
      assert.deepEqual(
        run.results.map((r: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }) => [
          r.ruleId,
          r.level,
          r.locations[0]!.physicalLocation.artifactLocation.uri,
          r.locations[0]!.physicalLocation.region.startLine,
        ]),
        [
          ['secrets/stripe-secret-key', 'error', 'deep/dir/app%20config.yml', 1],
          ['secrets/github-pat-classic', 'error', 'deep/dir/app%20config.yml', 2],
        ],
      );
      assert.ok(run.tool.driver.rules.every((r: { shortDescription: { text: string } }) => !/matched under/.test(r.shortDescription.text)), 'built-in detectors are described');
      assert.equal(run.invocations[0].toolExecutionNotifications[0].locations[0].physicalLocation.artifactLocation.uri, 'pic.png');
    },
  ));

test('a secret value never appears in any output format', () =>
  withTree(
    { 'policy.jsonc': BLOCK_SECRETS_POLICY, 'all.txt': `${AWS_KEY}\n${GITHUB_TOKEN}\npassword = "${STRIPE_KEY}"\n` },
    async (root) => {
      for (const policy of ['policy.jsonc', 'airlock:secrets', 'airlock:strict']) {
        for (const format of ['text', 'json', 'sarif']) {
          for (const input of [['all.txt'], ['-']]) {
            const result = await runAirlock(['scan', '--policy', policy, '--format', format, ...input], root, `${AWS_KEY} ${GITHUB_TOKEN} ${STRIPE_KEY}`);
            const everything = result.stdout + result.stderr;
            assert.ok(result.stdout.length > 0);
            for (const secret of [AWS_KEY, GITHUB_TOKEN, STRIPE_KEY]) {
              assert.ok(!everything.includes(secret), `${policy} ${format} ${input[0]} printed a secret`);
              // Not even a long prefix of one.
              assert.ok(!everything.includes(secret.slice(0, 12)), `${policy} ${format} ${input[0]} printed most of a secret`);
            }
          }
        }
      }
    },
  ));

test('usage errors and missing paths exit 2', () =>
  withTree({ 'a.ts': 'x' }, async (root) => {
    for (const args of [['--format', 'xml'], ['--bogus'], ['--destination', 'nope'], ['missing.ts']]) {
      const result = await runAirlock(['scan', ...args], root);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /^airlock scan: /);
      assert.equal(result.stdout, '');
    }
    const help = await runAirlock(['scan', '--help'], root);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /usage: airlock scan/);
  }));

test('an invalid policy exits 2 with positioned problems and scans nothing', () =>
  withTree({ 'bad.jsonc': '{\n  "egress": [\n    { "id": "x", "action": "explode" }\n  ]\n}\n', 'broken.jsonc': '{ "egress": [ }', 'a.ts': `k = '${AWS_KEY}'` }, async (root) => {
    for (const policy of ['bad.jsonc', 'broken.jsonc', 'missing.jsonc', 'airlock:no-such-preset']) {
      const result = await runAirlock(['scan', '--policy', policy, 'a.ts'], root);
      assert.equal(result.code, 2, `${policy}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^\S+:\d+:\d+: /m, `${policy}: positioned problem`);
      assert.ok(!result.stderr.includes(AWS_KEY));
    }
    const bad = await runAirlock(['scan', '--policy', 'bad.jsonc', 'a.ts'], root);
    assert.match(bad.stderr, /^bad\.jsonc:3:/m);
  }));

test('the workspace policy is found from cwd up to the git root; globs apply from its folder', () =>
  withTree(
    {
      '.airlock/policy.jsonc': JSON.stringify({ extends: ['airlock:meta-style'] }),
      'src/billing/invoice.ts': 'export function total() { return 1; }\n',
      'docs/notes.md': 'hello\n',
    },
    async (root) => {
      mkdirSync(join(root, '.git'));
      const fromSub = await runAirlock(['scan', '--format', 'json', '.'], join(root, 'src'));
      assert.equal(fromSub.code, 1, fromSub.stderr);
      const json = JSON.parse(fromSub.stdout);
      assert.deepEqual(json.findings.map((f: Record<string, unknown>) => [f.rule, f.path, f.line, f.column]), [['protected-code-stays-internal', 'billing/invoice.ts', 1, 1]]);
      // The same code may go to an internal endpoint: the destination decides.
      const internal = await runAirlock(['scan', '--destination', 'http://127.0.0.1:11434/api/chat', '.'], join(root, 'src'));
      assert.equal(internal.code, 0, internal.stdout);
      assert.match(internal.stdout, /^airlock scan: allow/m);
    },
  ));

test('binary and oversized files are reported as skipped in text and json', () =>
  withTree({ 'img.bin': Buffer.from([0x7f, 0x45, 0x00, 0x46]), 'big.txt': 'y'.repeat(300), 'ok.txt': 'fine\n' }, async (root) => {
    const text = await runAirlock(['scan', '--max-file-size', '100', '.'], root);
    assert.match(text.stdout, /^big\.txt: skipped \(larger than 100 bytes\)$/m);
    assert.match(text.stdout, /^img\.bin: skipped \(binary\)$/m);
    assert.match(text.stdout, /1 file scanned, 2 skipped/);
    const json = JSON.parse((await runAirlock(['scan', '--max-file-size=100', '--format', 'json', '.'], root)).stdout);
    assert.deepEqual(json.skipped, [
      { path: 'big.txt', reason: 'larger than 100 bytes' },
      { path: 'img.bin', reason: 'binary' },
    ]);
  }));
