// A throwaway test CA and one leaf certificate for the real API host names, minted with the
// system's openssl, so a TLS fake can answer as api.openai.com etc. (reached through the
// gateway's --resolve / --upstream-ca). Never trusted anywhere but in the test's own processes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const API_HOSTS = [
  'api.anthropic.com', 'api.openai.com', 'chatgpt.com', 'generativelanguage.googleapis.com',
  'api.githubcopilot.com', 'api.individual.githubcopilot.com', 'api.github.com', 'copilot-proxy.githubusercontent.com',
];

export interface TestCa { dir: string; caFile: string; key: string; cert: string }

export function mintTestCa(hosts: string[] = API_HOSTS): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-test-ca-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Airlock agent-test CA (throwaway)',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${hosts[0]}`]);
  writeFileSync(join(dir, 'leaf.ext'), `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')},IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n`);
  run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext']);
  return { dir, caFile: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'leaf.key'), 'utf8'), cert: readFileSync(join(dir, 'leaf.pem'), 'utf8') };
}
