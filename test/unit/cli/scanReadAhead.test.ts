// `airlock scan` on one thread reads a folder's files on a reader thread (extension/cli/scan/
// readAhead.ts) while the policy compiles and the scan goes on: the report is the same, byte for
// byte, as from the main thread's own walk (gitignore, skipped files, order, findings), and a
// reader that fails, dies, miscounts or sends what is not on disk changes nothing: whatever it
// sent is forgotten and the main thread walks and scans everything itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SAMPLES, rng } from '../detectors/samples';
import { READ_AHEAD_CHARS, ReadAhead, readAheadOptions, readAheadStats } from '../../../extension/cli/scan/readAhead';
import { runAirlock, tempTree } from './scanSupport';

function corpus(): Record<string, string | Buffer> {
  const files: Record<string, string | Buffer> = {
    '.gitignore': 'ignored/\n*.log\n',
    'ignored/secret.ts': `const k = "${SAMPLES[0]!.value(rng(1))}";\n`,
    'debug.log': 'x',
    'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
    'big.txt': 'y'.repeat(5000),
  };
  const filler = 'export function handler(request, response) { return response.send(request.body); }\n'.repeat(40);
  for (let i = 0; i < 60; i++) {
    const sample = SAMPLES[(i * 5) % SAMPLES.length]!;
    const value = sample.value(rng(100 + i));
    const line = sample.block ? sample.block.replace('$VALUE', value) : `const ${sample.name ?? 'SECRET'} = "${value}";`;
    files[`src/d${i % 4}/m${String(i).padStart(2, '0')}.ts`] = `${filler}${line}\n`;
  }
  return files;
}

const root = tempTree(corpus());
after(() => rmSync(root, { recursive: true, force: true }));
const ARGS = ['scan', '--jobs', '1', '--max-file-size', '4096', '--format', 'json', '.'];
/** The reader whatever the machine's load (by default it is used only with a core free). */
const ON = { AIRLOCK_SCAN_READER: 'on' };

async function withReader<T>(options: Partial<typeof readAheadOptions>, run: () => Promise<T>): Promise<T> {
  Object.assign(readAheadOptions, options);
  try {
    return await run();
  } finally {
    readAheadOptions.fromSources = false;
    delete readAheadOptions.workerEval;
  }
}

test('the reader thread gives the report of the main thread’s own walk, byte for byte', async () => {
  const started = readAheadStats.started;
  const own = await runAirlock(ARGS, root);
  assert.equal(readAheadStats.started, started, 'from sources, no reader unless asked');
  const read = await withReader({ fromSources: true }, () => runAirlock(ARGS, root, '', ON));
  assert.equal(readAheadStats.started, started + 1);
  const inputs = readAheadStats.inputs;
  const off = await withReader({ fromSources: true }, () => runAirlock(ARGS, root, '', { AIRLOCK_SCAN_READER: 'off' }));
  assert.equal(readAheadStats.started, started + 1, 'AIRLOCK_SCAN_READER=off: no reader');
  assert.equal(off.stdout, own.stdout);
  readAheadStats.inputs = inputs;
  assert.equal(readAheadStats.inputs, 61, 'every input came from the reader (60 sources and .gitignore)');
  assert.equal(own.code, 0, own.stderr);
  assert.equal(read.stdout, own.stdout);
  assert.equal(read.stderr, own.stderr);
  const report = JSON.parse(own.stdout) as { filesScanned: number; findings: unknown[]; skipped: { path: string; reason: string }[] };
  assert.equal(report.filesScanned, 61);
  assert.ok(report.findings.length >= 55, `${report.findings.length} findings`);
  assert.deepEqual(report.skipped.map((s) => s.path).sort(), ['big.txt', 'logo.png']);
});

// Readers that go wrong, each after sending an input that is NOT on disk (a secret in a file that
// does not exist): the report must not hold it.
const FORGED = `{ absolutePath: require('node:path').join(${JSON.stringify(root)}, 'forged.ts'), text: 'const k = "${SAMPLES[0]!.value(rng(2))}";' }`;
const BAD_READERS: Record<string, string> = {
  throws: `const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ inputs: [${FORGED}] }); setTimeout(() => { throw new Error('reader broke'); }, 5);`,
  exits: `const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ inputs: [${FORGED}] }); setTimeout(() => process.exit(0), 5);`,
  miscounts: `const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ inputs: [${FORGED}] }); parentPort.postMessage({ done: { inputCount: 61, skipped: [] } });`,
  'fails to start': `throw new Error('no reader today');`,
  // The main thread waits for it with nothing else to do: the reader must keep the process alive.
  'is slow, then throws': `const { parentPort } = require('node:worker_threads'); setTimeout(() => { parentPort.postMessage({ inputs: [${FORGED}] }); throw new Error('late'); }, 300);`,
};

for (const [name, workerEval] of Object.entries(BAD_READERS)) {
  test(`a reader that ${name} is replaced by the main thread's walk: the same report`, async () => {
    const own = await runAirlock(ARGS, root);
    const started = readAheadStats.started;
    const read = await withReader({ workerEval }, () => runAirlock(ARGS, root, '', ON));
    assert.equal(readAheadStats.started, started + 1, 'the bad reader was started');
    assert.equal(read.code, own.code);
    assert.equal(read.stdout, own.stdout);
    assert.equal(read.stderr, own.stderr);
    assert.ok(!read.stdout.includes('forged.ts'));
  });
}

test('a path that vanishes under the reader is a usage error, as from the main thread', async () => {
  const read = await withReader({ workerEval: `require('node:worker_threads').parentPort.postMessage({ missing: 'src/gone' });` }, () => runAirlock(ARGS, root, '', ON));
  assert.equal(read.code, 2);
  assert.match(read.stderr, /no such file or directory: src\/gone/);
});

test('the reader stays at most READ_AHEAD_CHARS (and a batch) ahead of what the main thread consumed', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`big/f${String(i).padStart(2, '0')}.txt`] = `${i} `.padEnd(100_000, 'x');
  const big = tempTree(files);
  try {
    readAheadOptions.fromSources = true;
    const reader = ReadAhead.start({ paths: ['.'], cwd: big, maxFileBytes: 1 << 20 });
    readAheadOptions.fromSources = false;
    assert.ok(reader);
    // Nothing consumed for a while: what waits in the queue is bounded.
    await new Promise((r) => setTimeout(r, 1500));
    const queued = (reader as unknown as { queue: { inputs?: { text: string }[] }[] }).queue.flatMap((m) => m.inputs ?? []).reduce((n, i) => n + i.text.length, 0);
    assert.ok(queued > 0, 'the reader started');
    assert.ok(queued <= READ_AHEAD_CHARS + 2 * 128 * 1024, `${queued} chars waiting`);
    const seen: string[] = [];
    const walked = await reader.consume((input) => seen.push(input.text.slice(0, 3)), (path) => new Error(path));
    assert.equal(walked.inputCount, 40);
    assert.deepEqual(seen, Array.from({ length: 40 }, (_, i) => `${i} `.padEnd(3, 'x')));
  } finally {
    readAheadOptions.fromSources = false;
    rmSync(big, { recursive: true, force: true });
  }
});

test('dist/cli.js with its reader (dist/scanReader.js) gives the report it gives without', (t) => {
  const repo = join(__dirname, '..', '..', '..');
  const cli = join(repo, 'dist', 'cli.js');
  if (!existsSync(cli) || !existsSync(join(repo, 'dist', 'scanReader.js'))) {
    t.skip('dist/cli.js or dist/scanReader.js is missing (run node esbuild.mjs)');
    return;
  }
  const run = (setting: string) => spawnSync(process.execPath, [cli, ...ARGS], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, AIRLOCK_SCAN_READER: setting, AIRLOCK_CODE_CACHE: 'off' } });
  const off = run('off');
  const on = run('on');
  assert.equal(off.status, 0, off.stderr);
  assert.equal(on.status, off.status);
  assert.equal(on.stdout, off.stdout);
  assert.equal(on.stderr, off.stderr);
  assert.equal((JSON.parse(on.stdout) as { filesScanned: number }).filesScanned, 61);
});
