// Test helper: a policy reader over in-memory files, with the real presets from policies/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyReader } from '../../../extension/core/policy';

export const PRESETS_DIR = join(__dirname, '..', '..', '..', 'policies');

export function memoryReader(files: Record<string, string>, reads: string[] = []): PolicyReader {
  return async (ref) => {
    reads.push(ref);
    if (ref.startsWith('airlock:')) return readFileSync(join(PRESETS_DIR, `${ref.slice('airlock:'.length)}.jsonc`), 'utf8');
    const text = files[ref];
    if (text === undefined) throw new Error(`ENOENT: no such file ${ref}`);
    return text;
  };
}

/** A fake AWS key id that is not the documented placeholder. */
export const AWS_KEY = ['AKIA', 'Z7K2QW5RT6YX3VB4'].join('');
export const STRIPE_KEY = ['sk_live_', '51Hx9QmK2vLpR8tYzW3nB6cJ0aF'].join('');
