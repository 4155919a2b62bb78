// Runs `airlock scan` in-process through runCli with captured streams, on temp folders.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../../extension/cli/run';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export async function runAirlock(args: string[], cwd: string, stdin = '', env?: NodeJS.ProcessEnv): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, { stdout, stderr, stdin: Readable.from([Buffer.from(stdin)]), cwd, ...(env ? { env } : {}) });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A temp folder with these files (POSIX relative paths → contents). */
export function tempTree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'airlock-scan-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, ...path.split('/'));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

/** A policy that blocks every secret (the default preset only redacts). */
export const BLOCK_SECRETS_POLICY = JSON.stringify({
  extends: ['airlock:secrets'],
  egress: [{ id: 'secrets', when: { detectors: ['*'] }, action: 'block', message: 'No secrets to AI assistants.' }],
});
