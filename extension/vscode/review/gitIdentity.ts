// The reviewer or recorder: git's user.name and user.email in the workspace, as the CLI records.
import { execFile } from 'node:child_process';

export interface Identity {
  name: string;
  email: string;
}

function gitConfig(cwd: string, key: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('git', ['config', key], { cwd, timeout: 5000 }, (error, stdout) => resolve(error ? '' : stdout.trim()));
  });
}

export async function gitIdentity(cwd: string): Promise<Identity | undefined> {
  const [name, email] = await Promise.all([gitConfig(cwd, 'user.name'), gitConfig(cwd, 'user.email')]);
  return name && email ? { name, email } : undefined;
}
