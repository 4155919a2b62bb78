// `airlock policy sign FILE --key K` (for the security team publishing an org policy) and
// `airlock policy status` (for anyone asking which org policy is in force on this machine).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { signWithSshKey } from '../ssh/sshSignature';
import type { CliIO } from '../run';
import { defaultWorkspacePolicyRef } from '../policySource';
import { loadEffectivePolicy } from './loadCliPolicy';
import { ORG_POLICY_NAMESPACE } from './orgPolicyReader';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function signPolicyCommand(args: string[], io: CliIO): Promise<number> {
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--key');
  const key = option(args, '--key');
  if (!file || !key) {
    io.stderr.write('usage: airlock policy sign FILE --key SSH_PRIVATE_KEY (or a public key whose private half is in ssh-agent)\n');
    return 2;
  }
  let data: Buffer;
  try {
    data = readFileSync(resolve(io.cwd, file));
  } catch {
    io.stderr.write(`airlock policy sign: cannot read ${file}\n`);
    return 2;
  }
  try {
    const signature = await signWithSshKey({ data, keyFile: resolve(io.cwd, key), namespace: ORG_POLICY_NAMESPACE });
    writeFileSync(`${resolve(io.cwd, file)}.sig`, signature);
  } catch (error) {
    io.stderr.write(`airlock policy sign: ${(error as Error).message}\n`);
    return 1;
  }
  io.stderr.write(`wrote ${file}.sig (namespace ${ORG_POLICY_NAMESPACE}); publish it next to the policy\n`);
  return 0;
}

export async function policyStatusCommand(args: string[], io: CliIO): Promise<number> {
  const organization = option(args, '--org-policy');
  const loaded = await loadEffectivePolicy({ workspace: defaultWorkspacePolicyRef(io.cwd), cwd: io.cwd, ...(organization ? { orgPolicy: organization } : {}), ...(io.env ? { env: io.env } : {}) });
  const org = loaded.org;
  const lines = [
    `layers: ${loaded.policy.layers.join(' > ') || '(none)'}`,
    org
      ? `organization: ${org.ref}\n  version: ${org.version ?? '(not declared)'}\n  sha256: ${org.sha256}\n  verified by: ${org.verifiedBy}\n  from: ${org.source}${org.fetchedAt ? ` (confirmed ${org.fetchedAt})` : ''}${org.problem ? `\n  note: ${org.problem}` : ''}`
      : 'organization: none',
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  for (const p of loaded.problems.filter((x) => x.severity === 'error')) io.stderr.write(`${p.source}: ${p.message}\n`);
  return loaded.ok ? 0 : 1;
}
