// Developer probe (proxy wiring): one client through the gateway's proxy mode against the TLS
// fake; prints what the user saw, every request the fake received (host, method, path) and the
// gateway's CONNECT and request decisions.
//   node --import tsx test/agents/probe-proxy.ts copilot-hosted "prompt" [read|shell:CMD]
import { join } from 'node:path';
import { CLIENTS, copilotHosted, type AgentClient } from './clients';
import { startEnvironment } from './environment';
import { steps, text, tool } from './fakes/script';
import { runAgent } from './runner';

async function main(): Promise<void> {
  const [name = 'copilot-hosted', prompt = 'Say hi', action] = process.argv.slice(2);
  const client: AgentClient = name === 'copilot-hosted' ? copilotHosted : CLIENTS[name as keyof typeof CLIENTS];
  const env = await startEnvironment('proxy', { ...(client.tunnels ? { tunnel: client.tunnels } : {}), ...(process.env.POLICY ? { policy: process.env.POLICY } : {}) });
  try {
    const wd = env.workdir;
    if (action === 'read') { const c = client.read(`${wd}/src/greet.ts`, 'src/greet.ts'); env.fake.script = steps([tool(c.name, c.input), text('I read it.')]); }
    else if (action?.startsWith('shell:')) { const c = client.shell(action.slice(6), wd); env.fake.script = steps([tool(c.name, c.input), text('I ran it.')]); }
    else env.fake.script = steps([text('Hello from the fake.')], text('Title'));
    const run = await runAgent(client, { prompt, wiring: env.wiring(client), workdir: wd, home: join(env.home, client.name), keepHome: true, timeoutMs: Number(process.env.TIMEOUT ?? 90_000) });
    console.log(JSON.stringify({ code: run.code, ms: run.ms, timedOut: run.timedOut }));
    console.log(`--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-3000)}`);
    for (const r of env.fake.requests) console.log('REQ', r.scheme, r.headers.host, r.method, r.url, `${r.body.length} B`, process.env.HEADERS ? JSON.stringify(r.headers) : '');
    console.log('CONNECTS', JSON.stringify(await env.connects()));
    for (const d of await env.decisions()) console.log('DECISION', d.dialect, d.destination, d.action, d.rule ?? '', d.reason ?? '');
    if (process.env.LOG) console.log(env.gatewayLog());
    if (process.env.SHOW) for (const r of env.fake.requests.filter((q) => q.method === 'POST')) console.log(r.url, r.body.toString('utf8').slice(0, Number(process.env.SHOW)));
  } finally {
    await env.close();
  }
}
void main();
