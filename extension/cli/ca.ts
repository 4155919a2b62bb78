// `airlock ca path | bundle [--out F] | install [--yes] | uninstall [--yes]`: the local CA that
// proxy mode signs its per-host certificates with (created on first use, per user).
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { resolve } from 'node:path';
import { writeBundle } from '../gateway/proxy/bundle';
import { rename } from 'node:fs/promises';
import { caDir, loadOrCreateCa } from '../gateway/proxy/ca';
import { inspectedHostsHere } from './caHosts';
import { ensureCaFiles } from '../gateway/proxy/env';
import { describePlan, trustPlan } from './caTrust';
import type { CliIO } from './run';

export const CA_USAGE = `usage: airlock ca path | bundle [--out F] | install [--yes] | uninstall [--yes] | reset   [--policy F]

The local Airlock CA (ECDSA P-256, name-constrained to the inspected AI hosts) lives in
$AIRLOCK_STATE_DIR/ca (default ~/.airlock/ca); it is created on first use. Its key never leaves it.
  path        print the CA certificate's path (for NODE_EXTRA_CA_CERTS)
  bundle      write the system CA bundle plus the Airlock CA (for SSL_CERT_FILE, REQUESTS_CA_BUNDLE)
              to --out F (default: the bundle next to the CA) and print its path
  install     trust the CA in the OS store (Linux: update-ca-certificates or p11-kit trust;
              macOS: login keychain; Windows: user root store). Prints what it will do; --yes does it
  uninstall   remove it from the OS store again (same rules)
  reset       make a new CA (the old folder is kept aside), e.g. after adding proxy.inspect hosts:
              the name constraints are fixed when a CA is made. Trust the new one again.
A new CA is constrained to the built-in AI hosts plus the policy's proxy.inspect (--policy F,
default .airlock/policy.jsonc and the organization policy).
`;

function commonNameOf(certPem: string): string {
  return new X509Certificate(certPem).subject.split('\n').find((l) => l.startsWith('CN='))?.slice(3) ?? 'Airlock local CA';
}

export async function caCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  const flag = (name: string) => rest.includes(name);
  const value = (name: string): string | undefined => {
    const i = rest.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i < 0) return undefined;
    const a = rest[i]!;
    return a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[i + 1];
  };
  const hosts = () => inspectedHostsHere(io, value('--policy'));
  try {
    switch (sub) {
      case 'path': {
        const ca = await loadOrCreateCa({ hosts: await hosts() });
        io.stdout.write(`${ca.certPath}\n`);
        return 0;
      }
      case 'bundle': {
        const out = value('--out');
        if (out === undefined) {
          const { bundlePath } = await ensureCaFiles({ hosts: await hosts() });
          io.stdout.write(`${bundlePath}\n`);
          return 0;
        }
        const ca = await loadOrCreateCa({ hosts: await hosts() });
        const target = resolve(io.cwd, out);
        const source = await writeBundle(target, ca.certPem);
        io.stderr.write(`airlock ca bundle: ${source.roots}${source.extra ? ` + ${source.extra}` : ''} + the Airlock CA\n`);
        io.stdout.write(`${target}\n`);
        return 0;
      }
      case 'reset': {
        const aside = `${caDir()}.replaced-${Date.now()}`;
        await rename(caDir(), aside).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
        const { caPath } = await ensureCaFiles({ hosts: await hosts() });
        io.stderr.write(`airlock ca reset: new CA; the old one is in ${aside}. Trust the new one (airlock ca install) and remove the old one from any store you added it to.\n`);
        io.stdout.write(`${caPath}\n`);
        return 0;
      }
      case 'install':
      case 'uninstall': {
        const ca = await loadOrCreateCa({ hosts: await hosts() });
        const plan = trustPlan(sub, process.platform, ca.certPath, commonNameOf(ca.certPem));
        io.stdout.write(describePlan(sub, plan));
        if (plan.steps.length === 0) return 1;
        if (!flag('--yes')) {
          io.stdout.write(`Nothing was changed. Run \`airlock ca ${sub} --yes\` to do this.\n`);
          return 0;
        }
        for (const step of plan.steps) {
          const run = spawnSync(step.argv[0]!, step.argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
          if (run.status !== 0) {
            io.stderr.write(`airlock ca ${sub}: \`${step.argv.join(' ')}\` failed (${run.error?.message ?? `exit ${run.status}`}); stopped\n`);
            return 1;
          }
        }
        io.stdout.write(`airlock ca ${sub}: done (${caDir()})\n`);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
        io.stdout.write(CA_USAGE);
        return sub === undefined ? 2 : 0;
      default:
        io.stderr.write(`airlock ca: unknown subcommand '${sub}'\n${CA_USAGE}`);
        return 2;
    }
  } catch (error) {
    io.stderr.write(`airlock ca: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
