// `airlock hooks install` — git hooks with absolute node and CLI paths:
//   pre-commit          runs `airlock check --staged`;
//   prepare-commit-msg  runs `airlock commit-trailers "$1" "$2"` (the policy's AI disclosure trailers).
// Idempotent (re-running refreshes the paths); an existing foreign hook is never clobbered: it is
// moved aside to `<hook>.airlock-chained` and run first, its failure still stops the commit.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { CliIO } from '../run';
import { guarded, parseArgs, UsageError, workspaceRoot } from './common';
import { git } from './git';

const MARKERS: Record<string, string> = {
  'pre-commit': '# airlock pre-commit hook',
  'prepare-commit-msg': '# airlock prepare-commit-msg hook',
};

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The hook script: absolute node and cli.js paths, so it works without airlock on PATH. */
export function hookScript(nodePath: string, cliPath: string, hook = 'pre-commit'): string {
  const chained = `${hook}.airlock-chained`;
  const command = hook === 'pre-commit' ? 'check --staged' : 'commit-trailers "$1" "$2"';
  return `#!/bin/sh
${MARKERS[hook]} (installed by \`airlock hooks install\`; re-run it to refresh)
hook_dir=$(dirname "$0")
if [ -x "$hook_dir/${chained}" ]; then
  "$hook_dir/${chained}" "$@" || exit $?
fi
exec ${shellQuote(nodePath)} ${shellQuote(cliPath)} ${command}
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
    const cli = resolve(process.argv[1] ?? '');
    if (!existsSync(cli)) throw new Error('cannot find the running airlock CLI to point the hook at');
    for (const name of Object.keys(MARKERS)) {
      const hook = join(dir, name);
      const chained = `${name}.airlock-chained`;
      let note = 'installed';
      if (existsSync(hook)) {
        const current = readFileSync(hook, 'utf8');
        if (current.includes(MARKERS[name]!)) note = 'refreshed';
        else if (existsSync(join(dir, chained))) throw new Error(`both ${hook} and ${chained} exist; merge them by hand, then re-run`);
        else {
          renameSync(hook, join(dir, chained));
          note = `installed (your existing hook runs first, as ${chained})`;
        }
      }
      writeFileSync(hook, hookScript(process.execPath, cli, name));
      chmodSync(hook, 0o755);
      io.stdout.write(`airlock ${name} hook ${note}: ${hook}\n`);
    }
    return 0;
  });
}
