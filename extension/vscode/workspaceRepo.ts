// The repository this window works in: the top folder of the git repository the (first) opened
// folder is in, as the CLI, the hooks and `airlock check` find it (cli/folderRepo.ts). The
// workspace policy, the ledger, the review state and the agent guard rails all live in its
// .airlock/. Opening the top, or a folder outside git, gives that folder, exactly as before.
import * as vscode from 'vscode';
import { folderRepo } from '../cli/folderRepo';

export interface RepoFolder {
  /** The repository's top: .airlock/ lives here. */
  uri: vscode.Uri;
  /** The opened folder. */
  folder: vscode.WorkspaceFolder;
  /** The opened folder's path from the top (POSIX), '' when it is the top. */
  within: string;
}

export type WorkspaceRepo = ({ ok: true } & RepoFolder) | { ok: false; folder: vscode.WorkspaceFolder; problem: string };

let cached: { key: string; repo: WorkspaceRepo } | undefined;

/** The first folder's repository (undefined with no folder open); git runs once per folder, and only for a folder below a `.git`. */
export function workspaceRepo(): WorkspaceRepo | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  const key = folder.uri.toString();
  if (cached?.key !== key) cached = { key, repo: resolveRepo(folder) };
  return cached.repo;
}

function resolveRepo(folder: vscode.WorkspaceFolder): WorkspaceRepo {
  // Virtual and remote file systems have no git here: their folder, as before.
  if (folder.uri.scheme !== 'file') return { ok: true, uri: folder.uri, folder, within: '' };
  const found = folderRepo(folder.uri.fsPath);
  if (!found.ok) return { ok: false, folder, problem: found.problem };
  if (found.within === '') return { ok: true, uri: folder.uri, folder, within: '' };
  return { ok: true, uri: vscode.Uri.file(found.root), folder, within: found.within };
}

/**
 * A document's path as the ledger and `airlock check` name it: from the repository's top, POSIX.
 * With the top opened this is exactly VS Code's workspace-relative path, as before.
 */
export function repoRelativePath(repo: RepoFolder, uri: vscode.Uri): string {
  const asBefore = () => vscode.workspace.asRelativePath(uri, false).replace(/\\/g, '/');
  if (repo.within === '') return asBefore();
  const inFolder = under(repo.folder.uri, uri);
  if (inFolder !== undefined) return `${repo.within}/${inFolder}`;
  return under(repo.uri, uri) ?? asBefore();
}

function under(base: vscode.Uri, uri: vscode.Uri): string | undefined {
  if (uri.scheme !== base.scheme || uri.authority !== base.authority) return undefined;
  const prefix = base.path.endsWith('/') ? base.path : `${base.path}/`;
  return uri.path.startsWith(prefix) ? uri.path.slice(prefix.length) : undefined;
}
