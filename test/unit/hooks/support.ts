// A real git repository for the hook tests: protected code by marker and by path, a secret, a
// symlink from an innocent name to protected code, a symlink into test/, and a policy that
// forbids AI code in test/ and sends Codex to an internal endpoint.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';

// Fingerprint caches (and other per-user state) of these tests stay out of the real ~/.airlock.
process.env.AIRLOCK_STATE_DIR ??= mkdtempSync(join(tmpdir(), 'airlock-hooks-state-'));

export const FIXTURE_POLICY = `{
  "extends": ["airlock:secrets"],
  "protected": { "paths": ["src/secret/**"], "markers": ["ACME CONFIDENTIAL"] },
  "destinations": { "internal": ["llm.acme.internal"] },
  "egress": [
    { "id": "protected-stays-internal", "when": { "protected": true, "destinations": ["!internal"] }, "action": "block", "message": "Protected code stays on internal models." }
  ],
  "review": [
    { "id": "no-ai-tests", "paths": ["test/**"], "action": "forbid", "message": "No AI code in tests." },
    { "id": "approve", "paths": ["**"], "action": "require-approval" }
  ],
  "agents": { "codex": { "destination": "https://llm.acme.internal/v1/responses" } }
}
`;

export const FIXTURE_AWS_KEY = 'AKIAZ7K2QW5RT6YX3VB4';

const removeAtEnd: string[] = [];
after(() => {
  for (const path of removeAtEnd) rmSync(path, { recursive: true, force: true });
});

/** `path` (a temp folder of a test), removed when the test file's tests are done. */
export function removedAtEnd(path: string): string {
  removeAtEnd.push(path);
  return path;
}

export function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export function fixtureRepo(policy = FIXTURE_POLICY): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-hooks-')));
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.name', 'Hana Hook');
  git(root, 'config', 'user.email', 'hana@example.com');
  git(root, 'config', 'commit.gpgsign', 'false');
  write(root, '.airlock/policy.jsonc', policy);
  write(root, 'src/pricing.ts', '// ACME CONFIDENTIAL\nexport function price(n: number): number {\n  return n * 42;\n}\n');
  write(root, 'src/ok.ts', 'export const ok = 1;\n');
  write(root, 'src/secret/keys.ts', 'export const keyName = "primary";\n');
  write(root, 'README.md', '# Demo\n\nA demo repository.\n');
  write(root, 'docs/guide.md', 'hello world\n');
  write(root, 'config/creds.txt', `aws_access_key_id = ${FIXTURE_AWS_KEY}\n`);
  write(root, 'test/unit/existing.test.ts', "import test from 'node:test';\n");
  symlinkSync('src/pricing.ts', join(root, 'innocent.txt'));
  symlinkSync('test', join(root, 'tests-link'));
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  return root;
}
