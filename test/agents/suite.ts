// The cases every real agent CLI goes through, once per wiring mode. Each agent's test file
// calls agentSuite(client, …); cases run in sequence with tight timeouts (the whole agent
// layer must stay within a few minutes of CI).
//
// Blocks: the assertions expect the answer issue 9 asks for — HTTP 400 with the dialect's
// invalid-request error and the text "Airlock [rule <id>]: <message>" — which the egress-inspect
// branch introduces. Against a gateway that still answers 403, Claude Code and Copilot show
// "Failed to authenticate" and these tests fail, on purpose.
import assert from 'node:assert/strict';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { AgentClient } from './clients';
import { META_PROXY_POLICY, ensureInstalled, modeUnavailable, startEnvironment, type Environment, type ModeName } from './environment';
import { API_HOSTS } from './fakes/testCa';
import { steps, text, tool } from './fakes/script';
import type { RecordedRequest, RequestView, WireFormat } from './fakes/types';
import { anthropic } from './fakes/anthropic';
import { chat } from './fakes/chat';
import { gemini } from './fakes/gemini';
import { responses } from './fakes/responses';
import { gatewaySupports, runAgent, type AgentRun } from './runner';

export const SECRET = 'AKIAZ7K2QW5RT6YX3VB4'; // the fake AWS key in test/agents/project/env.txt
export const PROTECTED_CODE = 'acmeVolumeFactor'; // only in test/agents/project/src/pricing.ts
export const CONTENT_ONLY_CODE = 'cheapestRegion'; // only in test/agents/project/src/rates.ts (no marker)
export const RULE = 'agent-suite-protected';
export const BLOCK_TEXT = `Airlock [rule ${RULE}]: Protected code may not be sent to an AI assistant.`;
const REPLY = 'All good: the fake model answered.';
const RUN_TIMEOUT = 60_000;

export interface SuiteOptions {
  /** Wiring modes this client is tested in. A mode the built gateway cannot do yet (feature-
   *  detected from its usage text) or one given here with a reason runs as todo, never skipped. */
  modes: Partial<Record<ModeName, true | string>>;
}

const DIALECT_VIEW: Record<WireFormat, (r: RecordedRequest) => RequestView> = Object.fromEntries(
  [anthropic, responses, chat, gemini].map((d) => [d.format, (r: RecordedRequest) => d.view(JSON.parse(r.body.toString('utf8')), r.url)]),
) as Record<WireFormat, (r: RecordedRequest) => RequestView>;
const bodies = (reqs: RecordedRequest[]) => reqs.map((r) => r.body.toString('utf8'));
const out = (run: AgentRun) => `${run.stdout}\n${run.stderr}`;
const timing: { agent: string; mode: string; name: string; ms: number; code: number | null }[] = [];

/** What the user saw, shortened for assertion messages (Claude's stream-json: its final result). */
export function visible(run: AgentRun): string {
  const result = run.stdout.split('\n').filter((l) => l.startsWith('{"type":"result"')).map((l) => (JSON.parse(l) as { result?: string }).result ?? '');
  const stdout = result.length ? result.join('\n') : run.stdout;
  return `${stdout.trim().slice(-1200)}\n${run.stderr.trim().slice(-1200)}`.trim();
}

function describeRun(run: AgentRun): string {
  return `exit ${run.code}${run.timedOut ? ' (TIMED OUT)' : ''} after ${run.ms} ms; the user saw:\n${visible(run)}`;
}

export function agentSuite(client: AgentClient, options: SuiteOptions): void {
  before(() => ensureInstalled(client.name));
  const label = client.variant ? `${client.name} (${client.variant})` : client.name;
  const tunnels = client.tunnels ?? [];
  const proxyOptions = tunnels.length ? { tunnel: tunnels } : {};

  for (const [mode, enabled] of Object.entries(options.modes) as [ModeName, true | string][]) {
    const todo = enabled === true ? modeUnavailable(mode, client) : enabled;
    describe(`${label} through the gateway (${mode} wiring)${todo ? ` (todo: ${todo})` : ''}`, () => {
      let env: Environment;
      let workdir: string;
      const run = async (name: string, prompt: string, hooks?: Record<string, string>): Promise<AgentRun> => {
        const r = await runAgent(client, { prompt, wiring: env.wiring(client), workdir, home: join(env.home, client.name), keepHome: true, timeoutMs: RUN_TIMEOUT, ...(hooks ? { hooks } : {}) });
        timing.push({ agent: label, mode, name, ms: r.ms, code: r.code });
        if (mode === 'proxy') {
          // Nothing leaves uninspected: every CONNECT is to an inspected AI host (decrypted and
          // judged) or refused by proxy.otherHosts=block; only the client's own non-AI hosts
          // the policy names in proxy.tunnel (api.github.com for Copilot's sign-in) are tunnelled.
          const connects = await env.connects();
          console.log(`${label} ${name}: CONNECT targets ${JSON.stringify(connects)}`);
          assert.ok(connects.length > 0, 'the client went through the proxy');
          for (const [target, decision] of connects) {
            const host = target.replace(/:\d+$/, '');
            if (decision === 'inspect') assert.ok(API_HOSTS.includes(host), `inspected CONNECT to a pinned host: ${target}`);
            else if (decision === 'tunnel') assert.ok(tunnels.includes(host), `only the policy's proxy.tunnel hosts are tunnelled, not ${target}`);
            else assert.equal(decision, 'block', `CONNECT ${target} is inspected, refused or a named tunnel, not ${decision || 'tunnelled'}`);
          }
          // What goes through a tunnel is never read, so it must carry nothing to read: only
          // bodiless requests (Copilot's sign-in and settings GETs) may use it.
          const tunnelled = env.fake.requests.filter((q) => tunnels.includes(String(q.headers.host)));
          assert.ok(tunnelled.every((q) => q.body.length === 0), `only bodiless requests went through a tunnel: ${tunnelled.map((q) => `${q.method} ${q.url.split('?')[0]} ${q.body.length} B`).join(', ')}`);
        }
        return r;
      };
      // A mode the gateway cannot do yet is reported as todo at once: no environment, no runs.
      before(async () => { if (!todo) env = await startEnvironment(mode, mode === 'proxy' ? proxyOptions : {}); });
      after(async () => { await env?.close(); });
      beforeEach(async () => {
        if (todo) throw new Error(`todo: ${todo}`);
        await env.reset();
        workdir = env.workdir;
      });

      // In proxy mode the client's bytes are TLS to the gateway, so byte identity is proven in base-url mode.
      test(`a benign prompt works${mode === 'base-url' ? ', arrives byte-identical' : ' over TLS under the real host name'} and streams incrementally`, { todo }, async () => {
        env.fake.script = steps([text(REPLY)], text('Greeting'));
        env.fake.stream.pieces = 4;
        let incremental: boolean | undefined;
        const { tap, tcpTap } = env;
        env.fake.stream.holdAfterFirst = async () => {
          // Hold the rest of the stream until the first chunk has reached the client's socket
          // (base-url: the HTTP tap saw body bytes; proxy: the TCP tap saw bytes after this point).
          const heldAt = Date.now();
          const deadline = heldAt + 5_000;
          while (Date.now() < deadline) {
            const last = tap?.exchanges.at(-1);
            if (tap ? last && last.responseChunkTimes.length > 0 : (tcpTap?.lastDownstreamAt ?? 0) >= heldAt) { incremental = true; return; }
            await new Promise((r) => setTimeout(r, 10));
          }
          incremental = false;
        };
        const r = await run('benign', 'Say hi');
        assert.equal(r.code, 0, describeRun(r));
        assert.ok(out(r).includes(REPLY), `the reply is shown\n${describeRun(r)}`);
        const model = env.fake.modelRequests();
        assert.ok(model.length >= 1, 'the fake got the prompt');
        if (tap) {
          const sent = tap.exchanges.filter((e) => e.method === 'POST').map((e) => e.body);
          assert.equal(model.length, sent.length, 'every request the client sent reached the upstream');
          for (const [i, b] of sent.entries()) assert.ok(b.equals(model[i]!.body), `request ${i} arrived byte-identical`);
        }
        if (mode === 'proxy') assert.ok(model.every((q) => q.scheme === 'https'), 'the gateway reached the fake over TLS');
        assert.equal(incremental, true, 'the first chunk reached the client while the upstream held the rest');
        if (mode === 'proxy') {
          // A tunnelled host is reached through the blind tunnel only: its requests arrive (TLS
          // end to end, the fake's own certificate) and the gateway decrypted none of them.
          const decisions = await env.decisions();
          for (const host of tunnels) {
            const reached = env.fake.requests.filter((q) => q.headers.host === host);
            assert.ok(reached.length > 0, `the client reached ${host} through the tunnel`);
            assert.ok(decisions.every((d) => !d.destination.includes(host)), `the gateway inspected nothing sent to ${host}`);
            console.log(`${label}: through the tunnel to ${host}: ${[...new Set(reached.map((q) => `${q.method} ${q.url.split('?')[0]}`))].join(', ')}`);
          }
        }
        if (client.credential) {
          // The client's own credential goes to the provider it was issued for untouched, and
          // Airlock writes it nowhere.
          const credential = client.credential;
          const carries = (q: RecordedRequest) => String(q.headers.authorization ?? '').endsWith(` ${credential}`);
          assert.ok(model.every(carries), 'every model request carried the credential untouched');
          for (const host of tunnels) assert.ok(env.fake.requests.some((q) => q.headers.host === host && carries(q)), `the requests to ${host} carried it too`);
          assert.ok(!env.gatewayLog().includes(credential), 'the credential is not in the gateway log');
          assert.ok(!JSON.stringify(await env.records()).includes(credential), 'the credential is not in the audit records');
        }
      });

      // Proxy mode runs the cases its wiring changes (TLS, CONNECT, the real host's dialect); the
      // rest of the pipeline is the same code as base-url mode and is not run twice (CI time).
      // A client driven in proxy mode only (Copilot's GitHub-hosted models) runs them all there.
      const allCases = mode === 'base-url' || !options.modes['base-url'];
      if (allCases) test('a secret in the prompt is redacted', { todo }, async () => {
        env.fake.script = steps([text(REPLY)], text('Keys'));
        const r = await run('secret-prompt', `Is ${SECRET} a valid AWS access key id format? Answer briefly.`);
        assert.equal(r.code, 0, describeRun(r));
        const sent = bodies(env.fake.modelRequests());
        assert.ok(sent.length >= 1, 'the request went out');
        assert.ok(bodies(env.fake.requests).every((b) => !b.includes(SECRET)), 'the key never reached the upstream (in no request)');
        assert.ok(sent.some((b) => b.includes('[REDACTED:')), 'a redaction placeholder took its place');
      });

      test('a secret in a tool result (the agent reads .env) is redacted', { todo }, async () => {
        const call = client.readsEnvWithShell ? client.shell('cat .env', workdir) : client.read(`${workdir}/.env`, '.env');
        env.fake.script = steps([tool(call.name, call.input), text(REPLY)], text('Env'));
        const r = await run('secret-tool-result', 'What is in .env?');
        assert.equal(r.code, 0, describeRun(r));
        const model = env.fake.modelRequests();
        assert.ok(model.some((q) => q.body.includes('[REDACTED:')), `the tool result came back redacted\n${describeRun(r)}`);
        assert.ok(bodies(env.fake.requests).every((b) => !b.includes(SECRET)), 'the key never reached the upstream (in no request)');
      });

      for (const via of ['read', 'shell'] as const) {
        if (via === 'shell' || allCases) test(`a protected file read through the agent's ${via} tool is blocked, and the user sees Airlock's message`, { todo }, async () => {
          const call = via === 'read' ? client.read(`${workdir}/src/pricing.ts`, 'src/pricing.ts') : client.shell('cat src/pricing.ts', workdir);
          env.fake.script = steps([tool(call.name, call.input), text(REPLY)], text('Pricing'));
          const r = await run(`protected-${via}`, 'What does the pricing code do?');
          console.log(`${label} on a gateway block (${mode}, ${via}) shows: ${JSON.stringify(visible(r).slice(-400))}`);
          assert.ok(bodies(env.fake.modelRequests()).every((b) => !b.includes(PROTECTED_CODE)), 'the protected code never reached the upstream');
          const blocks = (await env.decisions()).filter((d) => d.action === 'block' && d.rule === RULE);
          assert.ok(blocks.length > 0, `the gateway recorded the block\n${env.gatewayLog()}`);
          assert.ok(out(r).includes(BLOCK_TEXT), `the user sees Airlock's message "${BLOCK_TEXT}"\n${describeRun(r)}`);
          assert.ok(!/authenticat/i.test(visible(r)), `not shown as an authentication error\n${describeRun(r)}`);
          assert.ok(!out(r).includes(REPLY), 'the model never answered the blocked request');
          assert.equal(blocks.length, 1, `the client sent the blocked request once, no retries (${blocks.length} blocks recorded)`);
        });
      }

      // Issue 9: protected code recognised by what it is. src/rates.ts has no marker and its path is
      // never named in the request; only its printed content arrives, in a shell tool result.
      if (allCases) test('a protected file without a marker, printed by the shell tool, is blocked by its content', { todo: todo ?? (gatewaySupports('workspace') ? undefined : 'waits on the fingerprint index (issue 9 part 2)') }, async () => {
        const call = client.shell('cat src/*ates.ts', workdir);
        env.fake.script = steps([tool(call.name, call.input), text(REPLY)], text('Rates'));
        const r = await run('protected-content', 'What regions are there?');
        assert.ok(bodies(env.fake.modelRequests()).every((b) => !b.includes(CONTENT_ONLY_CODE)), 'the protected code never reached the upstream');
        assert.ok(out(r).includes(BLOCK_TEXT), `the user sees Airlock's message "${BLOCK_TEXT}"\n${describeRun(r)}\n${env.gatewayLog()}`);
        assert.ok(/protected-content|fingerprint|rates\.ts/.test(out(r)), `the message names where the code came from\n${describeRun(r)}`);
      });

      if (client.beforeToolHook && allCases) {
        const event = client.beforeToolHook;
        test(`after its own ${event} hook refuses a read, the session goes on through the gateway`, { todo }, async () => {
          const hook = join(workdir, '..', `${workdir.split('/').pop()}-refuse.sh`);
          writeFileSync(hook, '#!/bin/sh\ncat >/dev/null\necho "Airlock agent-suite hook: refused" >&2\nexit 2\n');
          chmodSync(hook, 0o755);
          const call = client.read(`${workdir}/src/pricing.ts`, 'src/pricing.ts');
          env.fake.script = steps([tool(call.name, call.input), text(REPLY)], text('Pricing'));
          try {
            const r = await run('hook-refusal', 'What does the pricing code do?', { [event]: hook });
            const model = env.fake.modelRequests().filter((q) => q.format === client.format);
            const after = model.at(-1);
            assert.ok(after && DIALECT_VIEW[client.format](after).toolResults.some((t) => t.includes('refused') || t.includes('hook')), `the request after the refusal reached the upstream with the refusal as the tool result\n${describeRun(r)}`);
            assert.ok(bodies(model).every((b) => !b.includes(PROTECTED_CODE)), 'the protected code never left');
            assert.ok(!(await env.decisions()).some((d) => d.action === 'block'), `the gateway blocked nothing\n${env.gatewayLog()}`);
            assert.ok(out(r).includes(REPLY), `the model's answer after the refusal is shown\n${describeRun(r)}`);
          } finally {
            rmSync(hook, { force: true });
          }
        });
      }
    });
  }

  // Issue 9: under the policy the product was built for, harmless requests that only name a path
  // pass (the destination must be a real public host, so proxy mode only).
  if (options.modes.proxy) {
    const todo = modeUnavailable('proxy', client);
    describe(`${label} under airlock:meta-style (proxy wiring, public destination)`, () => {
      let env: Environment;
      let workdir = '';
      before(async () => { if (!todo) env = await startEnvironment('proxy', { policy: META_PROXY_POLICY, ...proxyOptions }); });
      after(async () => { await env?.close(); });
      beforeEach(async () => {
        if (todo) throw new Error(`todo: ${todo}`);
        await env.reset();
        workdir = env.workdir;
      });
      const go = async (name: string, prompt: string) => {
        const r = await runAgent(client, { prompt, wiring: env.wiring(client), workdir, home: join(env.home, client.name), keepHome: true, timeoutMs: RUN_TIMEOUT });
        timing.push({ agent: label, mode: 'proxy+meta-style', name, ms: r.ms, code: r.code });
        return r;
      };
      test('a benign prompt (with everything the client adds to it) passes', { todo }, async () => {
        env.fake.script = steps([text(REPLY)], text('Greeting'));
        const r = await go('benign', 'Say hi');
        assert.equal(r.code, 0, `${describeRun(r)}\n${env.gatewayLog()}`);
        assert.ok(out(r).includes(REPLY), describeRun(r));
        assert.ok(!(await env.decisions()).some((d) => d.action === 'block'), `nothing was blocked\n${env.gatewayLog()}`);
      });
      if (client.write) {
        const write = client.write;
        test('after the model writes a file, the session goes on (its own tool_use names the path)', { todo }, async () => {
          const call = write(`${workdir}/src/discount.ts`, 'export const discount = (c: number) => Math.round(c * 0.9);\n');
          env.fake.script = steps([tool(call.name, call.input), text(REPLY)], text('Discount'));
          const r = await go('write', 'Add a discount helper');
          assert.ok(out(r).includes(REPLY), `${describeRun(r)}\n${env.gatewayLog()}`);
          assert.ok(!(await env.decisions()).some((d) => d.action === 'block'), `nothing was blocked\n${env.gatewayLog()}`);
        });
      }
    });
  }

  after(() => {
    const mine = timing.filter((t) => t.agent === label);
    if (mine.length) console.log(`agent timings ${label}: ${mine.map((t) => `${t.mode}/${t.name} ${t.ms} ms (exit ${t.code})`).join(', ')}`);
  });
}
