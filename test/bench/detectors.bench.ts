// Secrets pack throughput: the full built-in pack over a generated 10+ MB corpus of realistic
// source code (several languages, a few fake secrets sprinkled in), beside a plain indexOf
// pass over the same string as the baseline.
import { BUILTIN_SECRET_DETECTORS, compileDetectors, scanText } from '../../extension/core/detectors';
import { SAMPLES, rng, type Rng } from '../unit/detectors/samples';
import { stats, time, type Bench } from './bench';

const WORDS = ['user', 'order', 'invoice', 'payment', 'session', 'cache', 'token', 'config', 'request', 'response', 'handler', 'client', 'server', 'key', 'value', 'item', 'list', 'map', 'count', 'index', 'error', 'result', 'status', 'account', 'secret', 'name', 'path', 'file', 'buffer', 'stream', 'event', 'queue', 'worker', 'retry', 'limit', 'password', 'hash', 'id', 'date', 'time'];

function word(r: Rng): string {
  return WORDS[Math.floor(r() * WORDS.length)]!;
}
function camel(r: Rng): string {
  const a = word(r);
  const b = word(r);
  return a + b[0]!.toUpperCase() + b.slice(1);
}
function snake(r: Rng): string {
  return `${word(r)}_${word(r)}`;
}

const CHUNKS: ((r: Rng) => string)[] = [
  (r) => `export async function ${camel(r)}(${camel(r)}: string, ${word(r)}: number): Promise<${camel(r)[0]!.toUpperCase()}${camel(r).slice(1)}> {\n  const ${camel(r)} = await this.${camel(r)}.get(\`\${${word(r)}}:${word(r)}\`);\n  if (!${word(r)}) throw new Error('${word(r)} not found: ' + ${word(r)});\n  return { ${word(r)}: ${word(r)}.${word(r)}, ${camel(r)}: Date.now() };\n}\n\n`,
  (r) => `def ${snake(r)}(self, ${snake(r)}, ${word(r)}=None):\n    """Return the ${word(r)} for the given ${word(r)}."""\n    ${snake(r)} = self.${snake(r)}.get(${word(r)}, {})\n    for ${word(r)} in ${snake(r)}:\n        if ${word(r)}.${word(r)} > ${Math.floor(r() * 100)}:\n            logger.info("${word(r)} %s exceeded", ${word(r)})\n    return ${snake(r)}\n\n`,
  (r) => `func (s *${camel(r)}Service) ${camel(r)}(ctx context.Context, ${word(r)} string) (*${camel(r)}, error) {\n\t${word(r)}, err := s.repo.Find(ctx, ${word(r)})\n\tif err != nil {\n\t\treturn nil, fmt.Errorf("find ${word(r)}: %w", err)\n\t}\n\treturn ${word(r)}, nil\n}\n\n`,
  (r) => `public class ${camel(r)}Controller {\n    private final ${camel(r)}Repository ${camel(r)}Repository;\n\n    @GetMapping("/${word(r)}/{id}")\n    public ResponseEntity<${camel(r)}> get(@PathVariable Long id) {\n        return ResponseEntity.ok(${camel(r)}Repository.findById(id).orElseThrow());\n    }\n}\n\n`,
  (r) => `${snake(r)}:\n  ${word(r)}: ${Math.floor(r() * 1000)}\n  ${snake(r)}: "${word(r)}-${word(r)}"\n  enabled: ${r() > 0.5}\n  ${word(r)}_key: \${${snake(r).toUpperCase()}}\n\n`,
  (r) => `  "${camel(r)}": { "${word(r)}": "${word(r)}", "${camel(r)}": ${Math.floor(r() * 1e6)}, "id": "${Math.floor(r() * 1e9).toString(16)}" },\n`,
  (r) => `// ${word(r)} the ${word(r)} before the ${word(r)} is sent; see https://docs.acme.internal/${word(r)}/${word(r)}#${word(r)}\n`,
  (r) => `.${word(r)}-${word(r)} { color: #${Math.floor(r() * 0xffffff).toString(16).padStart(6, '0')}; margin: ${Math.floor(r() * 32)}px; }\n`,
];

export function corpus(bytes: number): { text: string; planted: number } {
  const r = rng(42);
  const secretRng = rng(7);
  const parts: string[] = [];
  let size = 0;
  let planted = 0;
  let nextSecret = 100_000;
  while (size < bytes) {
    const chunk = CHUNKS[Math.floor(r() * CHUNKS.length)]!(r);
    parts.push(chunk);
    size += chunk.length;
    if (size >= nextSecret) {
      const sample = SAMPLES[planted % SAMPLES.length]!;
      const value = sample.value(secretRng);
      const line = sample.block ? `${sample.block.replace('$VALUE', value)}\n` : `const ${sample.name ?? 'SECRET'} = "${value}";\n`;
      parts.push(line);
      size += line.length;
      planted++;
      nextSecret += 100_000;
    }
  }
  return { text: parts.join(''), planted };
}

export default async function (b: Bench): Promise<void> {
  const { text, planted } = corpus(12 * 1024 * 1024);
  const mb = Buffer.byteLength(text) / (1024 * 1024);
  const compiled = compileDetectors(BUILTIN_SECRET_DETECTORS);
  b.figure('corpus', `${mb.toFixed(1)} MB, ${planted} planted secrets, ${compiled.ids.length} detectors`);

  let found = 0;
  const scanRuns = await time(() => {
    found = scanText(text, compiled).length;
  }, 7, 2);
  let sink = 0;
  const baselineRuns = await time(() => {
    // One plain indexOf pass for a string that never occurs: the cost of merely reading the text.
    sink += text.indexOf('\u0000never-present\u0000');
  }, 7, 2);
  const loopRuns = await time(() => {
    // Reading every char once in JS: the floor for any scanner written in JS.
    let x = 0;
    for (let i = 0; i < text.length; i++) x ^= text.charCodeAt(i);
    sink += x & 1;
  }, 7, 2);
  const scan = stats(scanRuns);
  const base = stats(baselineRuns);
  const loop = stats(loopRuns);
  const throughput = mb / (scan.median / 1000);
  const baseThroughput = mb / (base.median / 1000);
  b.figure('findings', `${found} (planted ${planted}; sink ${sink})`);
  b.figure('scanText, full built-in pack (median of 7)', `${scan.median.toFixed(1)} ms = ${throughput.toFixed(0)} MB/s`);
  b.figure('baseline: one indexOf pass (median of 7)', `${base.median.toFixed(1)} ms = ${baseThroughput.toFixed(0)} MB/s`);
  b.figure('second baseline: charCodeAt loop (median of 7)', `${loop.median.toFixed(1)} ms = ${(mb / (loop.median / 1000)).toFixed(0)} MB/s`);
  b.figure('ratio scan / baseline', `${(scan.median / base.median).toFixed(1)}x`);

  const compileRuns = await time(() => compileDetectors(BUILTIN_SECRET_DETECTORS), 7, 1);
  b.figure('compileDetectors(built-in pack) (median of 7)', `${stats(compileRuns).median.toFixed(2)} ms`);
  b.target('secrets pack throughput', `${throughput.toFixed(0)} MB/s`, '>= 100 MB/s', throughput >= 100);
}
