// Classifies a tool call by the tool's name and arguments, across agents: Claude Code (Read,
// Grep, Bash, Write, …), Gemini CLI (read_file, run_shell_command, …), Copilot CLI (view, bash,
// edit, create), VS Code (read_file, run_in_terminal, create_file, …), Codex (Bash,
// apply_patch), Cursor and MCP tools (`mcp__server__tool`). A tool it does not know is checked
// by its path-like arguments, so a new read tool is not a way around the hook.
import { obj, str, type ToolAction, type WriteEvidence } from './events';

const key = (tool: string) => tool.toLowerCase().replace(/^copilot_/, '').replace(/[^a-z]/g, '');

const READ_TOOLS = new Set(['read', 'readfile', 'notebookread', 'view', 'readmanyfiles', 'readnotebookcellcontents', 'readtextfile', 'readmultiplefiles', 'getfilecontents', 'open', 'cat']);
const SEARCH_TOOLS = new Set(['grep', 'glob', 'ls', 'listdirectory', 'listdir', 'searchfilecontent', 'grepsearch', 'filesearch', 'semanticsearch', 'codebasesearch', 'findfiles', 'searchfiles', 'directorytree', 'search', 'textsearch']);
const SHELL_TOOLS = new Set(['bash', 'shell', 'runshellcommand', 'runinterminal', 'execcommand', 'localshell', 'terminal', 'runterminalcmd', 'powershell', 'exec']);
const WRITE_TOOLS = new Set(['write', 'edit', 'multiedit', 'notebookedit', 'writefile', 'replace', 'create', 'createfile', 'replacestringinfile', 'multireplacestringinfile', 'inserteditintofile', 'editfiles', 'editnotebookfile', 'editfile', 'strreplace', 'strreplacebasededittool', 'searchreplace', 'deletefile', 'newfile']);
const PATCH_TOOLS = new Set(['applypatch', 'patch']);

const PATH_KEYS = ['file_path', 'filePath', 'path', 'notebook_path', 'absolute_path', 'target_file', 'file', 'filename', 'uri', 'dir_path', 'directory', 'dirPath', 'target_directory'];
const PATH_LIST_KEYS = ['paths', 'files', 'filePaths', 'file_paths', 'include'];

export function classifyTool(tool: string, inputValue: unknown): ToolAction {
  const input = obj(inputValue);
  const k = key(tool);
  if (tool.startsWith('mcp__') || tool.includes('/')) return { kind: 'generic', input };
  if (SHELL_TOOLS.has(k)) {
    const command = str(input.command) ?? str(input.cmd) ?? (Array.isArray(input.command) ? shellJoin(input.command) : undefined) ?? str(input.command_line) ?? '';
    return { kind: 'shell', command, ...(str(input.dir_path) ?? str(input.cwd) ?? str(input.workdir) ? { cwd: str(input.dir_path) ?? str(input.cwd) ?? str(input.workdir) } : {}) };
  }
  if (PATCH_TOOLS.has(k)) return { kind: 'patch', patch: str(input.command) ?? str(input.input) ?? str(input.patch) ?? (typeof inputValue === 'string' ? inputValue : '') };
  if (WRITE_TOOLS.has(k)) return writeAction(k, input);
  if (READ_TOOLS.has(k)) return { kind: 'read', paths: pathsIn(input) };
  if (SEARCH_TOOLS.has(k)) {
    // A file glob (`secret/**/*.ts`) searches below its fixed prefix: only that folder is reached.
    const glob = k === 'glob' || k === 'findfiles' ? str(input.pattern) : str(input.glob);
    const prefix = glob ? fixedPrefix(glob) : '';
    const roots = pathsIn(input).filter((p) => p !== glob);
    if (prefix) return { kind: 'search', roots: (roots.length > 0 ? roots : ['.']).map((r) => (prefix.startsWith('/') ? prefix : `${r.replace(/\/+$/, '')}/${prefix}`)) };
    return { kind: 'search', roots };
  }
  return { kind: 'generic', input };
}

/** The folders of a glob before its first wildcard (for `src/**` + `/x.ts`: `src`). */
function fixedPrefix(glob: string): string {
  const parts = glob.split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (/[*?[{]/.test(part)) break;
    fixed.push(part);
  }
  return fixed.join('/') || (glob.startsWith('/') ? '/' : '');
}

/** Path-like arguments: the usual keys, string lists under list keys, `file://` URIs. */
export function pathsIn(input: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const k of PATH_KEYS) {
    const v = str(input[k]);
    if (v) out.push(fromUri(v));
  }
  for (const k of PATH_LIST_KEYS) {
    const v = input[k];
    if (Array.isArray(v)) for (const item of v) if (typeof item === 'string' && item) out.push(fromUri(item));
  }
  return [...new Set(out)];
}

/** Every string value in a tool's arguments, for tools we do not know (bounded). */
export function stringsIn(value: unknown, out: string[] = [], depth = 0): string[] {
  if (out.length > 200 || depth > 6) return out;
  if (typeof value === 'string') out.push(fromUri(value));
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out, depth + 1);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out, depth + 1);
  return out;
}

function fromUri(value: string): string {
  if (!value.startsWith('file://')) return value;
  try {
    return decodeURIComponent(new URL(value).pathname);
  } catch {
    return value;
  }
}

function writeAction(k: string, input: Record<string, unknown>): ToolAction {
  const evidence: WriteEvidence[] = [];
  const add = (target: Record<string, unknown>) => {
    const path = str(target.file_path) ?? str(target.filePath) ?? str(target.path) ?? str(target.notebook_path) ?? str(target.target_file);
    if (!path) return;
    const e: WriteEvidence = { path: fromUri(path) };
    const content = target.content ?? target.file_text ?? target.code ?? target.contents;
    if (typeof content === 'string' && (k === 'write' || k === 'writefile' || k === 'create' || k === 'createfile' || k === 'newfile')) e.content = content;
    // A notebook cell's source sits JSON-encoded in the .ipynb: look for its lines as they are stored.
    const cell = str(target.new_source);
    if (cell) e.newTexts = cell.split('\n').filter((l) => l.trim().length > 0).map((l) => ({ newText: JSON.stringify(l).slice(1, -1) }));
    const newText = str(target.new_string) ?? str(target.newString) ?? str(target.new_str) ?? (k === 'inserteditintofile' ? str(target.code) : undefined);
    if (newText) e.newTexts = [{ newText, ...(str(target.old_string) ?? str(target.oldString) ?? str(target.old_str) ? { oldText: str(target.old_string) ?? str(target.oldString) ?? str(target.old_str) } : {}), ...(target.replace_all === true ? { replaceAll: true } : {}) }];
    if (Array.isArray(target.edits)) {
      e.newTexts = (target.edits as Record<string, unknown>[])
        .map((x) => obj(x))
        .filter((x) => typeof x.new_string === 'string')
        .map((x) => ({ newText: x.new_string as string, ...(typeof x.old_string === 'string' ? { oldText: x.old_string } : {}), ...(x.replace_all === true ? { replaceAll: true } : {}) }));
    }
    evidence.push(e);
  };
  add(input);
  for (const listKey of ['replacements', 'files']) {
    const list = input[listKey];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (typeof item === 'string') evidence.push({ path: fromUri(item) });
      else add(obj(item));
    }
  }
  return { kind: 'write', paths: [...new Set(evidence.map((e) => e.path))], evidence };
}

function shellJoin(argv: unknown[]): string {
  const words = argv.filter((a): a is string => typeof a === 'string');
  // Codex's shell tool sends ["bash", "-lc", "<script>"]: the script is the command.
  if (words.length === 3 && /(^|\/)(ba|z|da)?sh$/.test(words[0]!) && /^-\w*c$/.test(words[1]!)) return words[2]!;
  return words.map((w) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Files a Codex-style patch adds, updates, deletes or moves to. */
export function patchTargets(patch: string): string[] {
  const out: string[] = [];
  for (const m of patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$|^\*\*\* Move to: (.+)$/gm)) out.push((m[1] ?? m[2]!).trim());
  // A unified diff (`+++ b/path`) names its targets too.
  for (const m of patch.matchAll(/^\+\+\+ (?:b\/)?(.+)$/gm)) if (m[1]!.trim() !== '/dev/null') out.push(m[1]!.trim());
  return [...new Set(out)];
}

/**
 * Files a patch inside a shell command writes (`apply_patch <<'EOF'`, `git apply`, `patch`), each
 * also under every folder the command `cd`s into (Codex accepts `cd dir && apply_patch <<'EOF'`):
 * checking a path too many refuses at worst, one too few lets a write through.
 */
export function shellPatchTargets(command: string): string[] {
  const targets = patchTargets(command);
  if (targets.length === 0) return [];
  const dirs = [...command.matchAll(/(?:^|[;&|(]\s*)cd\s+(['"]?)([^\s'";&|)]+)\1/gm)].map((m) => m[2]!);
  const out = [...targets];
  for (const dir of dirs) for (const t of targets) if (!t.startsWith('/')) out.push(`${dir.replace(/\/+$/, '')}/${t}`);
  return [...new Set(out)];
}

/** The command runs Codex's `apply_patch` on a heredoc (which Codex intercepts and applies itself). */
export function invokesApplyPatch(command: string): boolean {
  return /(?:^|[;&|(]\s*)(?:apply_patch|applypatch)\s+<</m.test(command);
}
