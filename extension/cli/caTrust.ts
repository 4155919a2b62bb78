// Trusting the Airlock CA in the operating system's store (and undoing it). Each platform's plan
// is a list of commands printed before anything runs; only `--yes` runs them.
import { existsSync } from 'node:fs';

export interface TrustStep {
  argv: string[];
  /** What the step does, in words. */
  does: string;
}

export interface TrustPlan {
  store: string;
  steps: TrustStep[];
}

const ANCHOR_NAME = 'airlock-local-ca.crt';

/** Which Linux trust tooling is present: Debian's update-ca-certificates, or p11-kit's `trust`. */
export function linuxFlavour(exists: (path: string) => boolean = existsSync): 'debian' | 'p11-kit' | undefined {
  if (exists('/usr/sbin/update-ca-certificates') || exists('/usr/bin/update-ca-certificates')) return 'debian';
  if (exists('/usr/bin/trust')) return 'p11-kit';
  return undefined;
}

export function trustPlan(action: 'install' | 'uninstall', platform: NodeJS.Platform, certPath: string, commonName: string, exists: (path: string) => boolean = existsSync): TrustPlan {
  if (platform === 'darwin') {
    const keychain = '~/Library/Keychains/login.keychain-db';
    return action === 'install'
      ? { store: `the login keychain (${keychain})`, steps: [{ argv: ['security', 'add-trusted-cert', '-r', 'trustRoot', '-p', 'ssl', '-k', `${process.env['HOME'] ?? '~'}/Library/Keychains/login.keychain-db`, certPath], does: 'adds the Airlock CA to your login keychain, trusted for SSL (macOS asks for your password)' }] }
      : { store: `the login keychain (${keychain})`, steps: [{ argv: ['security', 'delete-certificate', '-c', commonName, `${process.env['HOME'] ?? '~'}/Library/Keychains/login.keychain-db`], does: `removes the certificate named "${commonName}" from your login keychain` }] };
  }
  if (platform === 'win32') {
    return action === 'install'
      ? { store: 'the current user\'s Trusted Root store (Cert:\\CurrentUser\\Root)', steps: [{ argv: ['certutil', '-user', '-addstore', 'Root', certPath], does: 'adds the Airlock CA to your user root store (Windows asks to confirm)' }] }
      : { store: 'the current user\'s Trusted Root store (Cert:\\CurrentUser\\Root)', steps: [{ argv: ['certutil', '-user', '-delstore', 'Root', commonName], does: `removes the certificate named "${commonName}" from your user root store` }] };
  }
  const flavour = linuxFlavour(exists);
  if (flavour === 'debian') {
    const anchor = `/usr/local/share/ca-certificates/${ANCHOR_NAME}`;
    return action === 'install'
      ? {
          store: 'the system store (/etc/ssl/certs, via update-ca-certificates)',
          steps: [
            { argv: ['install', '-m', '0644', certPath, anchor], does: `copies the Airlock CA certificate (not its key) to ${anchor}` },
            { argv: ['update-ca-certificates'], does: 'rebuilds /etc/ssl/certs/ca-certificates.crt with it' },
          ],
        }
      : {
          store: 'the system store (/etc/ssl/certs, via update-ca-certificates)',
          steps: [
            { argv: ['rm', '-f', anchor], does: `deletes ${anchor}` },
            { argv: ['update-ca-certificates', '--fresh'], does: 'rebuilds /etc/ssl/certs without it' },
          ],
        };
  }
  if (flavour === 'p11-kit') {
    return action === 'install'
      ? { store: 'the system trust store (p11-kit)', steps: [{ argv: ['trust', 'anchor', '--store', certPath], does: 'adds the Airlock CA certificate as a trust anchor (p11-kit updates the extracted bundles)' }] }
      : { store: 'the system trust store (p11-kit)', steps: [{ argv: ['trust', 'anchor', '--remove', certPath], does: 'removes the Airlock CA trust anchor' }] };
  }
  return { store: 'no known system trust store', steps: [] };
}

export function describePlan(action: 'install' | 'uninstall', plan: TrustPlan): string {
  if (plan.steps.length === 0) return `airlock ca ${action}: no supported trust store was found (update-ca-certificates, p11-kit trust, macOS security, Windows certutil). Use NODE_EXTRA_CA_CERTS / SSL_CERT_FILE from \`airlock env\` instead.\n`;
  const lines = [`airlock ca ${action} will change ${plan.store}:`];
  plan.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s.argv.join(' ')}`, `     ${s.does}`));
  return `${lines.join('\n')}\n`;
}
