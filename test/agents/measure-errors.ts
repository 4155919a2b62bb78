// Measures what each real client shows the user when its upstream answers 400 or 403 in the
// dialect's own error shape (the two answers a gateway block could give), and how often it
// retries. Prints one block per client and status; no gateway involved.
//   node --import tsx test/agents/measure-errors.ts [agent…]
import { CLIENTS, type AgentName } from './clients';
import { startFake } from './fakes/server';
import { fail, steps } from './fakes/script';
import { makeWorkdir, runAgent } from './runner';
import { visible } from './suite';

async function main(): Promise<void> {
  const names = (process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(CLIENTS)) as AgentName[];
  for (const name of names) {
    const client = CLIENTS[name];
    for (const status of [400, 403]) {
      const fake = await startFake();
      fake.script = steps([fail(status, `Airlock [rule demo]: blocked (measured ${status}).`)]);
      const base = client.format === 'responses' || client.format === 'chat' ? `${fake.url}/v1` : fake.url;
      const r = await runAgent(client, { prompt: 'Say hi', wiring: { baseUrl: base }, workdir: makeWorkdir(), timeoutMs: 90_000 });
      // eslint-disable-next-line no-control-regex -- strip the client's ANSI colours
      const shown = visible(r).replace(/\u001b\[[0-9;]*m/g, '');
      const lines = shown.split('\n').filter((l) => /Airlock|API Error|403|400|uthenticat|rror/.test(l) && !/^\s+at /.test(l)).slice(-4);
      console.log(`## ${name} ${status}: exit ${r.code}, ${fake.modelRequests().length} requests, ${r.ms} ms${r.timedOut ? ' (timed out)' : ''}\n${lines.join('\n')}\n`);
      await fake.close();
    }
  }
}

void main();
