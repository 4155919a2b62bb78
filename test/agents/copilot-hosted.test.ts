// The real Copilot CLI with GitHub-hosted models (no BYOK provider) through Airlock's proxy mode
// (see suite.ts): a GitHub token from the environment, api.github.com through a blind tunnel
// (the policy's proxy.tunnel), the Copilot API host (endpoints.api of copilot_internal/user)
// decrypted and inspected. There is no base URL for it: proxy mode only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GITHUB_TOKEN, copilotHosted, type AgentClient } from './clients';
import { ensureInstalled, modeUnavailable, startEnvironment, type Environment } from './environment';
import { COPILOT_API_HOST, MCP_TOOL } from './fakes/github';
import { steps, text, tool } from './fakes/script';
import { formatOf } from './fakes/server';
import { runAgent } from './runner';
import { BLOCK_TEXT, PROTECTED_CODE, RULE, SECRET, agentSuite, visible } from './suite';

const bodies = (reqs: { body: Buffer }[]) => reqs.map((q) => q.body.toString('utf8'));

agentSuite(copilotHosted, { modes: { proxy: true } });

// Beside the model call Copilot posts JSON to its API host: /auto (model routing, with the
// user's prompt), /models/session, and GitHub's MCP server (/mcp/readonly). Each is read by
// content like any body — none is refused as unparseable, none leaves unread.
describe('copilot (GitHub-hosted models): what it sends beside the model call, and where', () => {
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
    // The GitHub token is the Copilot API's bearer itself: no copilot_internal/v2/token exchange.
    assert.ok(!env.fake.requests.some((q) => q.url.startsWith('/copilot_internal/v2/token')), 'no token exchange was asked for');
    const decisions = await env.decisions();
    assert.ok(decisions.every((d) => d.reason !== 'unparseable'), `nothing was refused as unparseable\n${env.gatewayLog()}`);
    assert.ok(decisions.some((d) => d.dialect === 'metadata' && d.action === 'redact'), `the gateway recorded the redaction in a side request\n${env.gatewayLog()}`);
  });

  // GitHub's MCP server is a way out of its own: the model's tool call goes to it, not to the
  // model API. Its arguments are read by content like any body.
  test('a secret the model puts in a GitHub MCP tool call is redacted before it reaches GitHub\'s MCP server', { todo }, async () => {
    await env.reset();
    env.fake.script = steps([tool(`github-mcp-server-${MCP_TOOL}`, { query: `aws_access_key_id = ${SECRET}` }), text('All good: the fake model answered.')], text('Search'));
    const r = await runAgent(copilotHosted, { prompt: 'Search GitHub for where this key is used.', wiring: env.wiring(copilotHosted), workdir: env.workdir, home: join(env.home, 'copilot'), keepHome: true, timeoutMs: 60_000 });
    assert.equal(r.code, 0, visible(r));
    assert.ok(`${r.stdout}${r.stderr}`.includes('All good'), visible(r));
    const calls = env.fake.requests.filter((q) => q.url === '/mcp/readonly' && q.body.includes('"tools/call"'));
    assert.equal(calls.length, 1, `the tool call reached the MCP server once (${calls.length})`);
    const sent = calls[0]!.body.toString('utf8');
    assert.ok(!sent.includes(SECRET) && sent.includes('[REDACTED:'), `the MCP tool call arrived redacted: ${sent.slice(0, 300).replace(SECRET, '<SECRET>')}`);
    assert.ok(bodies(env.fake.requests).every((b) => !b.includes(SECRET)), 'the key reached no upstream');
  });

  test('protected code the model puts in a GitHub MCP tool call never reaches GitHub\'s MCP server', { todo }, async () => {
    await env.reset();
    const code = readFileSync(join(env.workdir, 'src', 'pricing.ts'), 'utf8');
    env.fake.script = steps([tool(`github-mcp-server-${MCP_TOOL}`, { query: code }), text('All good: the fake model answered.')], text('Search'));
    const r = await runAgent(copilotHosted, { prompt: 'Search GitHub for code like ours.', wiring: env.wiring(copilotHosted), workdir: env.workdir, home: join(env.home, 'copilot'), keepHome: true, timeoutMs: 60_000 });
    console.log(`copilot (GitHub-hosted models) on a block in an MCP tool call shows: ${JSON.stringify(visible(r).slice(-300))}`);
    assert.ok(!env.fake.requests.some((q) => q.url === '/mcp/readonly' && q.body.includes('"tools/call"')), 'the tool call never reached the MCP server');
    assert.ok(bodies(env.fake.requests).every((b) => !b.includes(PROTECTED_CODE)), 'the protected code reached no upstream');
    const blocks = (await env.decisions()).filter((d) => d.action === 'block' && d.rule === RULE);
    assert.ok(blocks.some((d) => d.dialect === 'metadata'), `the gateway blocked the MCP request\n${env.gatewayLog()}`);
    assert.ok(`${r.stdout}${r.stderr}`.includes(BLOCK_TEXT), `the user sees Airlock's message\n${visible(r)}`);
  });

  test('the token comes from COPILOT_GITHUB_TOKEN, GH_TOKEN or GITHUB_TOKEN; a classic ghp_ PAT is refused by the CLI', { todo }, async () => {
    const classic = `ghp_${GITHUB_TOKEN.slice(4)}`;
    for (const [variable, token] of [['GH_TOKEN', GITHUB_TOKEN], ['GITHUB_TOKEN', GITHUB_TOKEN], ['COPILOT_GITHUB_TOKEN', classic]] as const) {
      await env.reset();
      env.fake.script = steps([text('All good: the fake model answered.')], text('Greeting'));
      const client: AgentClient = {
        ...copilotHosted,
        prepare(opts) {
          const prepared = copilotHosted.prepare(opts);
          const { COPILOT_GITHUB_TOKEN: _unused, ...rest } = prepared.env;
          return { ...prepared, env: { ...rest, [variable]: token } };
        },
      };
      const r = await runAgent(client, { prompt: 'Say hi', wiring: env.wiring(client), workdir: env.workdir, home: join(env.home, `copilot-${variable}-${token.slice(0, 3)}`), timeoutMs: 60_000 });
      const user = env.fake.requests.filter((q) => q.url === '/copilot_internal/user');
      if (token === classic) {
        console.log(`copilot (GitHub-hosted models) with a classic PAT shows: ${JSON.stringify(visible(r).slice(-300))}`);
        assert.notEqual(r.code, 0, visible(r));
        assert.ok(env.fake.requests.every((q) => !String(q.headers.authorization ?? '').includes(classic)), 'the classic PAT was sent nowhere');
      } else {
        assert.equal(r.code, 0, `${variable}: ${visible(r)}`);
        assert.ok(`${r.stdout}${r.stderr}`.includes('All good'), `${variable}: the reply is shown`);
        assert.ok(user.length > 0 && user.every((q) => q.headers.authorization?.endsWith(` ${token}`)), `${variable}: the sign-in carried it`);
      }
    }
  });

  // The Copilot API host comes from a tunnelled (unread) answer: a plan naming a host Airlock does
  // not inspect (a GHE.com tenant's copilot-api.<tenant>.ghe.com, or anything else) must not
  // become a way out. Under otherHosts: block its CONNECT is refused and nothing is sent.
  test('a plan whose endpoints.api names a host Airlock does not inspect: refused, nothing leaves', { todo }, async () => {
    await env.reset();
    const elsewhere = 'copilot-api.octocorp.ghe.com';
    env.fake.copilotApiHost = elsewhere;
    env.fake.script = steps([text('All good: the fake model answered.')], text('Greeting'));
    try {
      // A fresh HOME: Copilot keeps the plan's API host from an earlier run in its state.
      const r = await runAgent(copilotHosted, { prompt: 'Say hi', wiring: env.wiring(copilotHosted), workdir: env.workdir, home: join(env.home, 'copilot-elsewhere'), timeoutMs: 60_000 });
      console.log(`copilot (GitHub-hosted models) with endpoints.api ${elsewhere} shows: ${JSON.stringify(visible(r).slice(-300))}`);
      assert.notEqual(r.code, 0, visible(r));
      assert.ok(!`${r.stdout}${r.stderr}`.includes('All good'), 'the model never answered');
      const connects = await env.connects();
      assert.ok(connects.some(([t, d]) => t === `${elsewhere}:443` && d === 'block'), `CONNECT ${elsewhere} was refused: ${JSON.stringify(connects)}`);
      assert.ok(connects.every(([t, d]) => d !== 'tunnel' || t === 'api.github.com:443'), `nothing but api.github.com was tunnelled: ${JSON.stringify(connects)}`);
      assert.equal(env.fake.requests.filter((q) => q.headers.host !== 'api.github.com').length, 0, 'nothing reached any host but api.github.com');
    } finally {
      env.fake.copilotApiHost = COPILOT_API_HOST;
    }
  });
});

// README: under otherHosts: block, Copilot's sign-in needs "tunnel": ["api.github.com"]. Without
// it the first request (copilot_internal/user) is refused and nothing else is sent.
describe('copilot (GitHub-hosted models) under otherHosts: block without the api.github.com tunnel', () => {
  const todo = modeUnavailable('proxy', copilotHosted);
  let env: Environment;
  before(async () => {
    ensureInstalled(copilotHosted.name);
    if (!todo) env = await startEnvironment('proxy');
  });
  after(async () => { await env?.close(); });

  test('the sign-in is refused at the CONNECT, and nothing is sent anywhere', { todo }, async () => {
    env.fake.script = steps([text('All good: the fake model answered.')], text('Greeting'));
    const r = await runAgent(copilotHosted, { prompt: 'Say hi', wiring: env.wiring(copilotHosted), workdir: env.workdir, home: join(env.home, 'copilot'), timeoutMs: 60_000 });
    console.log(`copilot (GitHub-hosted models) without the tunnel shows: ${JSON.stringify(visible(r).slice(-300))}`);
    assert.notEqual(r.code, 0, visible(r));
    assert.match(visible(r), /copilot_internal\/user/, 'the CLI names the request it could not make');
    const connects = await env.connects();
    assert.ok(connects.length > 0 && connects.every(([t, d]) => t === 'api.github.com:443' && d === 'block'), `only api.github.com was asked for, and refused: ${JSON.stringify(connects)}`);
    assert.equal(env.fake.requests.length, 0, 'nothing reached any upstream');
  });
});
