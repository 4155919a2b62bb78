// `airlock agents install [--all | names…] [--dry-run]` and `airlock agents check`: writes (or
// verifies, for CI) every agent's hook configuration and ignore/deny files from the policy.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AirlockPolicy } from '../../core/policy';
import type { CliIO } from '../run';
import { loadReviewPolicy } from '../provenance/policy';
import { guarded, parseArgs, UsageError, workspaceRoot } from '../provenance/common';
import { GUARD_AGENTS, MANIFEST_PATH, renderGuardFiles, type GuardAgent, type GuardPolicy, type Manifest, type RenderedFile } from './guardFiles';

const USAGE = 'usage: airlock agents install [--all | agent…] [--dry-run] | airlock agents check\n  agents: ' + GUARD_AGENTS.join(', ');

export async function agentsCommand(args: string[], io: CliIO): Promise<number> {
  return guarded(io, 'agents', async () => {
    const parsed = parseArgs(args, ['all', 'dry-run']);
    const [sub, ...names] = parsed.positional;
    const root = workspaceRoot(io.cwd);
    const guard = await loadGuardPolicy(root);
    const previous = readManifest(root);
    if (sub === 'install') {
      const agents = parsed.flags.has('all') ? [...GUARD_AGENTS] : names.length > 0 ? names.map(agentName) : (previous?.agents ?? []);
      if (agents.length === 0) throw new UsageError(`name the agents to install, or --all\n${USAGE}`);
      const planned = plan(root, guard, agents, previous);
      for (const { file, changed } of planned) io.stdout.write(`${changed ? (parsed.flags.has('dry-run') ? 'would write' : 'wrote') : 'unchanged'}  ${file.path}  — ${file.summary}\n`);
      if (!parsed.flags.has('dry-run')) for (const { file, changed } of planned) if (changed) writeGuardFile(root, file);
      return 0;
    }
    if (sub === 'check') {
      if (!previous) {
        io.stderr.write(`airlock agents: ${MANIFEST_PATH} is missing: run \`airlock agents install --all\` (or name the agents) and commit the files.\n`);
        return 1;
      }
      const drifted = plan(root, guard, previous.agents, previous).filter((p) => p.changed);
      for (const { file } of drifted) io.stderr.write(`drifted: ${file.path} (expected: ${file.summary})\n`);
      if (drifted.length > 0) {
        io.stderr.write('airlock agents: agent guard files differ from the policy; run `airlock agents install` and commit the result.\n');
        return 1;
      }
      io.stdout.write(`airlock agents: ${previous.agents.join(', ')} match the policy.\n`);
      return 0;
    }
    throw new UsageError(USAGE);
  });
}

export function plan(root: string, guard: GuardPolicy, agents: readonly GuardAgent[], previous: Manifest | undefined): { file: RenderedFile; changed: boolean }[] {
  const read = (path: string) => {
    try {
      return readFileSync(join(root, path), 'utf8');
    } catch {
      return undefined;
    }
  };
  return renderGuardFiles(guard, agents, read, previous).map((file) => ({ file, changed: read(file.path) !== file.text }));
}

export function writeGuardFile(root: string, file: RenderedFile): void {
  const target = join(root, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.text);
  if (file.executable) chmodSync(target, 0o755);
}

function agentName(name: string): GuardAgent {
  if (!(GUARD_AGENTS as readonly string[]).includes(name)) throw new UsageError(`unknown agent '${name}'\n${USAGE}`);
  return name as GuardAgent;
}

export function readManifest(root: string): Manifest | undefined {
  const file = join(root, MANIFEST_PATH);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    return { version: 1, agents: (parsed.agents ?? []).filter((a) => (GUARD_AGENTS as readonly string[]).includes(a)), entries: parsed.entries ?? {} };
  } catch {
    return undefined;
  }
}

/**
 * The effective policy (the organization layer verified, as every command loads it) to ask the
 * engine, and its protected and forbid globs as written, to write them out.
 */
export async function loadGuardPolicy(root: string): Promise<GuardPolicy> {
  const load = await loadReviewPolicy(root);
  if (!load.ok) throw new Error(`the policy has errors; fix them first (airlock policy validate): ${load.problems[0] ?? ''}`);
  const layers = (load.policy as Partial<AirlockPolicy>).compiledLayers ?? [];
  // Layers never loosen each other: a lower layer's `!` re-include must not un-ignore what a higher one protects.
  let protectedPaths: string[] = [];
  for (const layer of layers) {
    const globs = layer.protectedPaths.globs;
    protectedPaths = protectedPaths.some((g) => !g.startsWith('!')) ? [...protectedPaths, ...globs.filter((g) => !g.startsWith('!'))] : [...protectedPaths, ...globs];
  }
  const forbidPaths = layers.flatMap((l) => l.review.filter((r) => r.action === 'forbid').flatMap((r) => r.paths.globs));
  return { policy: load.policy, protectedPaths: [...new Set(protectedPaths)], forbidPaths: [...new Set(forbidPaths)] };
}
