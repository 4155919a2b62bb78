// The real Copilot CLI with GitHub-hosted models (no BYOK provider) through Airlock's proxy mode
// (see suite.ts): a GitHub token from the environment, api.github.com through a blind tunnel
// (the policy's proxy.tunnel), the Copilot API host (endpoints.api of copilot_internal/user)
// decrypted and inspected. There is no base URL for it: proxy mode only.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { copilotHosted } from './clients';
import { ensureInstalled, modeUnavailable, startEnvironment, type Environment } from './environment';
import { COPILOT_API_HOST } from './fakes/github';
import { steps, text } from './fakes/script';
import { formatOf } from './fakes/server';
import { runAgent } from './runner';
import { SECRET, agentSuite, visible } from './suite';

agentSuite(copilotHosted, { modes: { proxy: true } });

// Beside the model call Copilot posts JSON to its API host: /auto (model routing, with the
// user's prompt), /models/session, and GitHub's MCP server (/mcp/readonly). Each is read by
// content like any body — none is refused as unparseable, none leaves unread.
describe('copilot (GitHub-hosted models): its side requests to the Copilot API host are inspected, not refused', () => {
  const todo = modeUnavailable('proxy', copilotHosted);
  let env: Environment;
  before(async () => {
    ensureInstalled(copilotHosted.name);
    if (!todo) env = await startEnvironment('proxy', { tunnel: copilotHosted.tunnels! });
  });
  after(async () => { await env?.close(); });

  test('a secret in the prompt is redacted in /auto too, and GitHub\'s MCP server is reached', { todo }, async () => {
    env.fake.script = steps([text('All good: the fake model answered.')], text('Keys'));
    const r = await runAgent(copilotHosted, { prompt: `Is ${SECRET} a valid AWS access key id format? Answer briefly.`, wiring: env.wiring(copilotHosted), workdir: env.workdir, home: join(env.home, 'copilot'), keepHome: true, timeoutMs: 60_000 });
    assert.equal(r.code, 0, visible(r));
    const side = env.fake.requests.filter((q) => q.method === 'POST' && q.headers.host === COPILOT_API_HOST && formatOf(q.url.split('?')[0]!) === undefined);
    const paths = side.map((q) => q.url.split('?')[0]);
    console.log(`copilot (GitHub-hosted models) side requests that reached the Copilot API host: ${JSON.stringify(paths)}`);
    const routing = side.find((q) => q.url === '/auto');
    assert.ok(routing, `/auto reached the upstream (got ${JSON.stringify(paths)})`);
    const prompt = (JSON.parse(routing.body.toString('utf8')) as { prompt?: string }).prompt ?? '';
    assert.ok(!prompt.includes(SECRET) && prompt.includes('[REDACTED:'), `the prompt in /auto arrived redacted: ${JSON.stringify(prompt.slice(0, 120))}`);
    assert.ok(paths.includes('/mcp/readonly'), 'the MCP server request reached the upstream');
    const decisions = await env.decisions();
    assert.ok(decisions.every((d) => d.reason !== 'unparseable'), `nothing was refused as unparseable\n${env.gatewayLog()}`);
    assert.ok(decisions.some((d) => d.dialect === 'metadata' && d.action === 'redact'), `the gateway recorded the redaction in a side request\n${env.gatewayLog()}`);
  });
});
