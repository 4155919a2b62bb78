// Certificates for the proxy integration test (test/integration/proxy.test.ts), made before the
// VS Code server starts so its processes can trust them through NODE_EXTRA_CA_CERTS: a CA playing
// a public one, with a leaf for each host a fake TLS upstream answers as. Run by
// run-integration.mjs as `node --import tsx test/harness/tlsFixtures.ts DIR HOST...`; writes
// DIR/ca.pem and DIR/<host>.key / DIR/<host>.pem.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakePublicCa } from '../unit/gateway/support/tls';

const [dir, ...hosts] = process.argv.slice(2);
if (!dir || hosts.length === 0) throw new Error('usage: tlsFixtures.ts DIR HOST...');
const ca = fakePublicCa();
writeFileSync(join(dir, 'ca.pem'), ca.certPem);
for (const host of hosts) {
  const { key, cert } = ca.leaf(host);
  writeFileSync(join(dir, `${host}.key`), key, { mode: 0o600 });
  writeFileSync(join(dir, `${host}.pem`), cert);
}
