// A corpus of real third-party source code that every machine here has: this project's
// node_modules and Python's standard library (system or pyenv). Files are taken in a fixed
// (sorted) order so every run of the bench reads the same bytes.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const TEXT_EXTENSIONS = /\.(?:js|mjs|cjs|ts|mts|cts|jsx|tsx|py|json|md|yml|yaml|toml|txt|cfg|ini|sh|html|css)$/;
const MAX_FILE_BYTES = 1024 * 1024;

export interface RealFile {
  path: string;
  text: string;
}

function pythonStdlib(): string | undefined {
  const candidates: string[] = [];
  for (const base of ['/usr/lib', join(process.env.HOME ?? '/root', '.pyenv/versions')]) {
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      if (/^python3\.\d+$/.test(name)) candidates.push(join(base, name));
      const nested = join(base, name, 'lib');
      if (existsSync(nested)) for (const inner of readdirSync(nested).sort()) if (/^python3\.\d+$/.test(inner)) candidates.push(join(nested, inner));
    }
  }
  return candidates.sort().pop();
}

function collect(root: string, budget: number, out: RealFile[]): number {
  let used = 0;
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (used >= budget) return;
      if (name === '.git' || name === '__pycache__' || name === 'test' && dir.endsWith('python3')) continue;
      const path = join(dir, name);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(path);
      else if (st.isFile() && st.size <= MAX_FILE_BYTES && TEXT_EXTENSIONS.test(name)) {
        const text = readFileSync(path, 'utf8');
        if (text.includes('\u0000')) continue;
        out.push({ path, text });
        used += st.size;
      }
    }
  };
  walk(root);
  return used;
}

/** At least `bytes` of real code: half from node_modules, the rest from the Python stdlib. */
export function realCorpus(bytes: number, projectRoot = join(__dirname, '..', '..')): { files: RealFile[]; bytes: number; roots: string[] } {
  const files: RealFile[] = [];
  const roots: string[] = [];
  let total = 0;
  const python = pythonStdlib();
  const nodeModules = join(projectRoot, 'node_modules');
  if (existsSync(nodeModules)) {
    roots.push(nodeModules);
    total += collect(nodeModules, python ? bytes / 2 : bytes, files);
  }
  if (python) {
    roots.push(python);
    total += collect(python, bytes - total, files);
  }
  return { files, bytes: total, roots };
}
