// Turns what a tool is about to do into the checks the decision needs, reading what it would
// read: the real file behind every path (symlinks, `..`, /proc/self/cwd resolved), every file a
// folder search would reach, every operand a shell command reads or writes.
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { analyzeShell } from '../../core/hooks/shell';
import type { HookCheck, HookFile } from '../../core/hooks/decide';
import type { ToolAction } from './events';
import { policyPath, realPath, type Workspace } from './paths';
import { DEFAULT_REACH, reachFolder, readHead, type ReachLimits } from './reach';
import { patchTargets, pathsIn, shellPatchTargets, stringsIn } from './tools';

export function checksFor(tool: string, action: ToolAction, workspace: Workspace, limits: ReachLimits = DEFAULT_REACH): HookCheck[] {
  const cwd = workspace.cwd;
  switch (action.kind) {
    case 'read': {
      if (action.paths.length === 0) return [];
      // Cursor sends the content it is about to read: judge that, under the real path.
      if (action.content !== undefined && action.paths.length === 1) {
        return [{ kind: 'read', tool, files: [{ path: policyPath(realPath(action.paths[0]!, cwd), workspace), text: action.content }] }];
      }
      return [readCheck(tool, action.paths, [], workspace, limits)];
    }
    case 'search':
      return [readCheck(tool, [], action.roots.length > 0 ? action.roots : ['.'], workspace, limits)];
    case 'shell': {
      const shellCwd = action.cwd ? realPath(action.cwd, cwd) : cwd;
      const access = analyzeShell(action.command);
      const local: Workspace = { ...workspace, cwd: shellCwd };
      const candidates = access.candidates.filter((c) => c.length < 400 && /[/.]/.test(c) && existsSync(realPath(c, shellCwd)));
      const checks: HookCheck[] = [readCheck(tool, [...access.reads, ...candidates], access.folders, local, limits)];
      const writes = access.writes.map((w) => {
        const real = realPath(w, shellCwd);
        // `cp a dir/` writes dir/a.
        return isDirectory(real) ? join(real, '_') : real;
      });
      // A patch carried in the command (Codex runs `apply_patch <<'EOF' … EOF` through exec_command
      // itself, and `git apply`/`patch` read one from a heredoc) writes the files it names.
      for (const target of shellPatchTargets(action.command)) writes.push(realPath(target, shellCwd));
      if (writes.length > 0) checks.push({ kind: 'write', tool, paths: writes.map((w) => policyPath(w, workspace)) });
      return checks;
    }
    case 'write':
      return action.paths.length > 0 ? [{ kind: 'write', tool, paths: action.paths.map((p) => policyPath(realPath(p, cwd), workspace)) }] : [];
    case 'patch': {
      const targets = patchTargets(action.patch);
      return targets.length > 0 ? [{ kind: 'write', tool, paths: targets.map((p) => policyPath(realPath(p, cwd), workspace)) }] : [];
    }
    case 'generic': {
      // MCP and unknown tools: any argument naming an existing file or folder is read.
      const input = action.input as Record<string, unknown>;
      const named = [...pathsIn(input), ...stringsIn(input)].filter((s) => s.length > 0 && s.length < 1000 && !s.includes('\n') && /[/.~]/.test(s));
      const files: string[] = [];
      const folders: string[] = [];
      for (const s of new Set(named)) {
        const real = realPath(s, cwd);
        if (!existsSync(real)) continue;
        (isDirectory(real) ? folders : files).push(s);
      }
      return files.length + folders.length > 0 ? [readCheck(tool, files, folders, workspace, limits)] : [];
    }
    case 'none':
      return [];
  }
}

/** A read check over files and the folders a search reaches (a folder given as a file is a folder). */
export function readCheck(tool: string, files: readonly string[], folders: readonly string[], workspace: Workspace, limits: ReachLimits): HookCheck {
  const out: HookFile[] = [];
  const seen = new Set<string>();
  const add = (real: string, text: string | undefined) => {
    if (seen.has(real)) return;
    seen.add(real);
    out.push({ path: policyPath(real, workspace), ...(text !== undefined ? { text } : {}) });
  };
  const folderList = [...folders];
  for (const f of files) {
    if (/[*?[]/.test(basename(f))) {
      // A glob operand (`cat src/*.ts`): the folder it expands in.
      folderList.push(f.slice(0, Math.max(0, f.lastIndexOf('/'))) || '.');
      continue;
    }
    const real = realPath(f, workspace.cwd);
    if (isDirectory(real)) folderList.push(f);
    // A file named outright is read in full up to a larger cap: a marker at its end must not slip by.
    else if (existsSync(real)) add(real, readHead(real, limits.maxFileBytes * 16));
    // A file that does not exist is decided by its path: nothing leaves, and a protected name stays refused.
    else add(real, undefined);
  }
  const state = { files: 0, bytes: 0 };
  for (const folder of folderList) {
    const real = realPath(folder.replace(/\/\*\*.*$|\*.*$/, '') || '.', workspace.cwd);
    if (!isDirectory(real)) {
      // A file where a folder may be named (`git diff -- a.ts`) is read; a folder that does not
      // exist is decided by the path of a file inside it.
      if (existsSync(real)) add(real, readHead(real, limits.maxFileBytes * 16));
      else add(join(real, '_'), undefined);
      continue;
    }
    const reach = reachFolder(real, limits, state);
    for (const file of reach.files) add(file.real, file.text);
    if (reach.truncated) return { kind: 'read', tool, files: out, unchecked: `${reach.truncated}, more than Airlock checks before a search; search a narrower folder.` };
  }
  return { kind: 'read', tool, files: out };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
