// `npm run bench`: runs every `*.bench.ts` beside this file. Each exports a default async
// function that receives a Bench and prints figures, medians and ratios against a baseline
// measured in the same run. Targets are printed beside the figures; nothing here is a test.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from './bench';

async function main(): Promise<void> {
  const filter = process.argv[2];
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.bench.ts'))
    .filter((name) => !filter || name.includes(filter))
    .sort();
  const bench = new Bench();
  for (const file of files) {
    bench.section(file.replace(/\.bench\.ts$/, ''));
    const mod = (await import(join(__dirname, file))) as { default: (b: Bench) => Promise<void> };
    await mod.default(bench);
  }
  bench.summary();
}

void main();
