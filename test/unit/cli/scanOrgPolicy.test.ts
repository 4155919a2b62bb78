// `airlock scan` loads the organization layer (--org-policy, else $AIRLOCK_ORG_POLICY) above the
// workspace policy, through the same loading function as `gateway`, `check` and `review`.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import { runCli } from '../../../extension/cli/run';
import { tempTree } from './scanSupport';

/** The organization's code name is protected wherever it appears, whatever a workspace says. */
const ORG_POLICY = JSON.stringify({
  protected: { markers: ['ORGCODENAME'] },
  egress: [{ id: 'org-codename', when: { protected: true }, action: 'block', message: 'The organization code name stays inside.' }],
});

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function scan(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(['scan', ...args], { stdout, stderr, stdin: Readable.from([]), cwd, env });
  return { code, out: stdout.text + stderr.text };
}

test('scan: the organization layer from --org-policy or AIRLOCK_ORG_POLICY holds above the workspace policy', async () => {
  const root = tempTree({ 'org.jsonc': ORG_POLICY, 'broken-org.jsonc': '{ "egress": 1 }', 'src/a.ts': 'export const name = "ORGCODENAME";\n' });
  try {
    const file = join(root, 'src', 'a.ts');
    const without = await scan(['--policy', 'airlock:secrets', file], root, {});
    assert.equal(without.code, 0, without.out);
    const flag = await scan(['--policy', 'airlock:secrets', '--org-policy', 'org.jsonc', '--format', 'json', file], root, {});
    assert.equal(flag.code, 1, flag.out);
    const report = JSON.parse(flag.out.slice(0, flag.out.lastIndexOf('}') + 1)) as { findings: { rule: string }[] };
    assert.deepEqual(report.findings.map((f) => f.rule), ['org-codename']);
    const env = await scan(['--policy', 'airlock:secrets', file], root, { AIRLOCK_ORG_POLICY: join(root, 'org.jsonc') });
    assert.equal(env.code, 1, env.out);
    // The flag wins over the environment; an organization policy that does not load fails closed.
    const broken = await scan(['--policy', 'airlock:secrets', '--org-policy', 'broken-org.jsonc', file], root, { AIRLOCK_ORG_POLICY: join(root, 'org.jsonc') });
    assert.equal(broken.code, 2, broken.out);
    assert.match(broken.out, /broken-org\.jsonc.*is invalid/s);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
