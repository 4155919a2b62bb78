// `airlock hooks install` — a git pre-commit hook running `airlock check --staged`.
// Idempotent (re-running refreshes the paths); an existing foreign hook is never clobbered: it is
// moved aside to `pre-commit.airlock-chained` and run first, its failure still stops the commit.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { CliIO } from '../run';
import { guarded, parseArgs, UsageError, workspaceRoot } from './common';
import { git } from './git';

const MARKER = '# airlock pre-commit hook';
const CHAINED = 'pre-commit.airlock-chained';

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The hook script: absolute node and cli.js paths, so it works without airlock on PATH. */
export function hookScript(nodePath: string, cliPath: string): string {
  return `#!/bin/sh
${MARKER} (installed by \`airlock hooks install\`; re-run it to refresh)
hook_dir=$(dirname "$0")
if [ -x "$hook_dir/${CHAINED}" ]; then
  "$hook_dir/${CHAINED}" "$@" || exit $?
fi
exec ${shellQuote(nodePath)} ${shellQuote(cliPath)} check --staged
`;
}

export async function hooksCommand(args: string[], io: CliIO): Promise<number> {
  return guarded(io, 'hooks', async () => {
    const { positional } = parseArgs(args);
    if (positional[0] !== 'install') throw new UsageError('usage: airlock hooks install');
    const root = workspaceRoot(io.cwd);
    const hooksPath = git(root, ['rev-parse', '--git-path', 'hooks']);
    if (!hooksPath.ok) throw new UsageError('not a git repository');
    const dir = isAbsolute(hooksPath.stdout.trim()) ? hooksPath.stdout.trim() : resolve(root, hooksPath.stdout.trim());
    mkdirSync(dir, { recursive: true });
    const hook = join(dir, 'pre-commit');
    const cli = resolve(process.argv[1] ?? '');
    if (!existsSync(cli)) throw new Error('cannot find the running airlock CLI to point the hook at');
    let note = 'installed';
    if (existsSync(hook)) {
      const current = readFileSync(hook, 'utf8');
      if (current.includes(MARKER)) note = 'refreshed';
      else if (existsSync(join(dir, CHAINED))) throw new Error(`both ${hook} and ${CHAINED} exist; merge them by hand, then re-run`);
      else {
        renameSync(hook, join(dir, CHAINED));
        note = `installed (your existing hook runs first, as ${CHAINED})`;
      }
    }
    writeFileSync(hook, hookScript(process.execPath, cli));
    chmodSync(hook, 0o755);
    io.stdout.write(`airlock pre-commit hook ${note}: ${hook}\n`);
    return 0;
  });
}
