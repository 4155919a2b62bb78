// Developer probe: runs one client directly against the fake and prints what arrived.
//   node --import tsx test/agents/probe.ts claude "prompt" [read|shell:CMD]
import { CLIENTS, type AgentName } from './clients';
import { startFake } from './fakes/server';
import { steps, text, tool } from './fakes/script';
import { makeWorkdir, runAgent } from './runner';

async function main(): Promise<void> {
  const [name, prompt = 'Say hi', action] = process.argv.slice(2) as [AgentName, string?, string?];
  const client = CLIENTS[name];
  const fake = await startFake();
  const workdir = makeWorkdir();
  if (action === 'read') { const c = client.read(`${workdir}/src/greet.ts`, 'src/greet.ts'); fake.script = steps([tool(c.name, c.input), text('I read it.')]); }
  else if (action?.startsWith('shell:')) { const c = client.shell(action.slice(6), workdir); fake.script = steps([tool(c.name, c.input), text('I ran it.')]); }
  const base = client.format === 'responses' || client.format === 'chat' ? `${fake.url}/v1` : fake.url;
  const run = await runAgent(client, { prompt, wiring: { baseUrl: base }, workdir, timeoutMs: 90_000 });
  console.log(JSON.stringify({ code: run.code, ms: run.ms, timedOut: run.timedOut }, null, 1));
  console.log('--- stdout\n' + run.stdout.slice(-3000) + '\n--- stderr\n' + run.stderr.slice(-3000));
  for (const r of fake.requests) console.log('REQ', r.scheme, r.method, r.url, r.body.length, 'B', JSON.stringify(r.headers).slice(0, 300));
  const last = fake.modelRequests().at(-1);
  if (last && process.env.SHOW) console.log(last.body.toString('utf8').slice(0, Number(process.env.SHOW)));
  await fake.close();

}
void main();
