// Small helpers for benchmarks: timing with warm-up, medians and percentiles, and a
// target table printed at the end of the run.
export interface Stats {
  median: number;
  p50: number;
  p99: number;
  min: number;
  samples: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { median: at(0.5), p50: at(0.5), p99: at(0.99), min: sorted[0] ?? NaN, samples: sorted.length };
}

/** Runs `fn` `warmup` times, then `runs` times, returning the wall time of each run in ms. */
export async function time(fn: () => unknown, runs = 7, warmup = 2): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    out.push(performance.now() - started);
  }
  return out;
}

export class Bench {
  private readonly targets: { name: string; value: string; target: string; met: boolean }[] = [];

  section(name: string): void {
    console.log(`\n## ${name}`);
  }

  /** Prints one figure line. */
  figure(label: string, value: string): void {
    console.log(`  ${label.padEnd(52)} ${value}`);
  }

  /** Records a target check, printed now and in the summary. */
  target(name: string, value: string, target: string, met: boolean): void {
    this.targets.push({ name, value, target, met });
    console.log(`  ${met ? 'MET ' : 'MISS'} ${name}: ${value} (target ${target})`);
  }

  summary(): void {
    console.log('\n## targets');
    for (const t of this.targets) console.log(`  ${t.met ? 'MET ' : 'MISS'} ${t.name.padEnd(50)} ${t.value} (target ${t.target})`);
    const missed = this.targets.filter((t) => !t.met).length;
    console.log(`\n${this.targets.length - missed} targets met, ${missed} missed`);
  }
}

/** A chat request of about `bytes` bytes of code-like text, without secrets or protected paths. */
export function linePrompt(bytes: number, stream: boolean): string {
  const line = 'function add(a, b) { return a + b; } // sums two numbers for the report\n';
  const text = `Explain this code:\n${line.repeat(Math.ceil(bytes / line.length))}`.slice(0, bytes);
  return JSON.stringify({ model: 'm', stream, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: text }] });
}

/** Times one response: resolves with [time to first body byte, total time] in ms (2xx only). */
export function timeResponse(started: number, resolve: (t: [number, number]) => void, reject: (e: Error) => void) {
  return (res: import('node:http').IncomingMessage): void => {
    let first = 0;
    res.on('data', () => {
      if (!first) first = performance.now() - started;
    });
    res.on('end', () => (res.statusCode === 200 ? resolve([first, performance.now() - started]) : reject(new Error(`HTTP ${res.statusCode}`))));
    res.on('error', reject);
  };
}

/**
 * A full garbage collection, so memory figures compare live data rather than where the
 * collector happened to be (the bench runs without --expose-gc: the flag is set at run time).
 */
export function collectGarbage(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const v8 = require('node:v8') as typeof import('node:v8');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vm = require('node:vm') as typeof import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}
