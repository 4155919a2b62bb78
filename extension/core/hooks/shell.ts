// What a shell command line would read and write, well enough for the common forms agents use
// (`cat f`, `grep -rn x src`, `sed -n 1,20p f`, `cp a b`, `python -c "open('f')"`, `< f`,
// `cat > f <<EOF`), so a hook can decide before it runs. A small tokenizer, not a shell: it
// knows quotes, escapes, pipelines, `&&`/`||`/`;`, redirections, here-documents, `$(…)` and
// `cd`. What it cannot see (a script that opens files, variables it cannot expand) is left
// to the gateway's content check, the backstop for everything that reaches a model.

export interface ShellAccess {
  /** Files the command reads (as written, relative to the shell's directory after any `cd`). */
  reads: string[];
  /** Folders the command reads recursively (grep -r, rg, cp -r sources, …). */
  folders: string[];
  /** Files the command writes (redirections, tee, cp/mv targets — possibly a folder —, sed -i, dd of=). */
  writes: string[];
  /** Quoted strings inside interpreter one-liners that may be paths: the caller keeps the existing ones. */
  candidates: string[];
}

type Token = { kind: 'word'; text: string; quoted: boolean } | { kind: 'op'; text: string } | { kind: 'heredoc'; text: string };

const OPERATORS = ['&&', '||', ';;', '>>', '<<<', '<<', '&>', '>|', '<(', '>(', '|', '&', ';', '<', '>', '(', ')', '\n'];

/** Splits a command line into words and operators; `$(…)` and backquotes are returned as nested text in `subshells`. */
export function tokenize(input: string, subshells: string[] = []): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let word = '';
  let inWord = false;
  let quoted = false;
  const pendingHeredocs: { delimiter: string; strip: boolean }[] = [];
  const flush = () => {
    if (inWord) tokens.push({ kind: 'word', text: word, quoted });
    word = '';
    inWord = false;
    quoted = false;
  };
  while (i < input.length) {
    const c = input[i]!;
    if (c === '\\') {
      if (input[i + 1] === '\n') {
        i += 2;
        continue;
      }
      word += input[i + 1] ?? '';
      inWord = true;
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = input.indexOf("'", i + 1);
      const stop = end < 0 ? input.length : end;
      word += input.slice(i + 1, stop);
      inWord = true;
      quoted = true;
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      i++;
      inWord = true;
      quoted = true;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length && '"\\$`\n'.includes(input[i + 1]!)) {
          word += input[i + 1];
          i += 2;
        } else if (input[i] === '$' && input[i + 1] === '(') {
          const end = matchParen(input, i + 1);
          subshells.push(input.slice(i + 2, end));
          word += input.slice(i, end + 1);
          i = end + 1;
        } else {
          word += input[i];
          i++;
        }
      }
      i++;
      continue;
    }
    if (c === '$' && input[i + 1] === '(' && input[i + 2] !== '(') {
      const end = matchParen(input, i + 1);
      subshells.push(input.slice(i + 2, end));
      word += input.slice(i, end + 1);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '`') {
      const end = input.indexOf('`', i + 1);
      const stop = end < 0 ? input.length : end;
      subshells.push(input.slice(i + 1, stop));
      word += input.slice(i, stop + 1);
      inWord = true;
      i = stop + 1;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < input.length && input[i] !== '\n') i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      flush();
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => input.startsWith(o, i));
    if (op) {
      // `2>` / `2>>` / `1>`: a file-descriptor number glued to a redirection belongs to it.
      if ((op === '>' || op === '>>' || op === '<') && inWord && /^\d$/.test(word)) {
        word = '';
        inWord = false;
      }
      flush();
      if (op === '\n' && pendingHeredocs.length > 0) {
        // Here-document bodies follow the line that announced them: skip them, keep their text.
        i++;
        for (const h of pendingHeredocs.splice(0)) {
          let body = '';
          while (i < input.length) {
            const lineEnd = input.indexOf('\n', i);
            const line = input.slice(i, lineEnd < 0 ? input.length : lineEnd);
            i = lineEnd < 0 ? input.length : lineEnd + 1;
            if ((h.strip ? line.replace(/^\t+/, '') : line) === h.delimiter) break;
            body += line + '\n';
          }
          tokens.push({ kind: 'heredoc', text: body });
        }
        tokens.push({ kind: 'op', text: '\n' });
        continue;
      }
      tokens.push({ kind: 'op', text: op });
      i += op.length;
      if (op === '<<') {
        const strip = input[i] === '-';
        if (strip) i++;
        while (input[i] === ' ') i++;
        const m = /^(['"]?)([A-Za-z0-9_.-]+)\1/.exec(input.slice(i));
        if (m) {
          pendingHeredocs.push({ delimiter: m[2]!, strip });
          tokens.push({ kind: 'word', text: m[2]!, quoted: true });
          i += m[0].length;
        }
      }
      if (op === '&' && input[i] === '>') {
        tokens.pop();
        tokens.push({ kind: 'op', text: '&>' });
        i++;
      }
      continue;
    }
    if (c === '>' || c === '<') {
      flush();
      i++;
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  flush();
  return tokens;
}

function matchParen(input: string, open: number): number {
  let depth = 0;
  for (let i = open; i < input.length; i++) {
    const c = input[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) return input.length;
      i = end;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return input.length;
}

/** Commands whose operands (after options) are files they print or process. */
const FILE_READERS = new Set([
  'cat', 'tac', 'head', 'tail', 'less', 'more', 'most', 'nl', 'od', 'xxd', 'hexdump', 'strings', 'base64', 'base32', 'sort',
  'uniq', 'cut', 'paste', 'join', 'fold', 'fmt', 'pr', 'column', 'rev', 'expand', 'unexpand', 'tr', 'wc', 'diff', 'cmp',
  'comm', 'bat', 'batcat', 'view', 'jq', 'yq', 'iconv', 'zcat', 'gzip', 'bzip2', 'xz', 'zip', 'tar', 'openssl', 'gpg',
  'split', 'csplit', 'look', 'sha1sum', 'sha256sum', 'md5sum', 'file', 'stat', 'source', '.', 'vim', 'vi', 'nano', 'emacs', 'ed', 'ex',
]);
/** Options (per command) that take a value as the next word. */
const VALUE_OPTIONS: Record<string, string[]> = {
  head: ['-n', '-c'],
  tail: ['-n', '-c', '-s', '--pid'],
  sort: ['-k', '-t', '-S', '-T', '--field-separator', '--key'],
  cut: ['-d', '-f', '-b', '-c'],
  grep: ['-e', '-m', '-A', '-B', '-C', '-d', '-D', '--include', '--exclude', '--exclude-dir', '--color', '--max-count', '--context'],
  rg: ['-e', '-m', '-A', '-B', '-C', '-g', '-t', '-T', '--glob', '--type', '--type-not', '-M', '-j', '--max-count', '--context', '--iglob', '-E', '--encoding'],
  sed: ['-l'],
  awk: ['-v', '-F'],
  jq: ['--arg', '--argjson', '--indent'],
  tr: [],
  diff: ['-U', '-C', '--label'],
  tar: ['-C', '--exclude'],
  openssl: ['-in', '-out', '-inkey', '-passin'],
  xxd: ['-l', '-s', '-c', '-g'],
  od: ['-A', '-t', '-j', '-N', '-w'],
  nl: ['-s', '-w', '-b'],
  split: ['-l', '-b', '-n'],
  zip: [],
};
const WRAPPERS = new Set(['sudo', 'env', 'command', 'builtin', 'exec', 'nice', 'nohup', 'time', 'timeout', 'stdbuf', 'ionice', 'chronic', 'doas', 'xargs', 'watch', 'unbuffer']);
const INTERPRETERS = new Set(['python', 'python2', 'python3', 'node', 'nodejs', 'deno', 'bun', 'ruby', 'perl', 'php', 'osascript', 'Rscript', 'lua']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish']);

export function analyzeShell(command: string, depth = 0): ShellAccess {
  const out: ShellAccess = { reads: [], folders: [], writes: [], candidates: [] };
  if (depth > 4) return out;
  const subshells: string[] = [];
  const tokens = tokenize(command, subshells);
  let dir = '';
  let words: Token[] = [];
  let redirect: string | undefined;
  const at = (p: string) => joinDir(dir, p);
  const endCommand = () => {
    const argv = words.filter((t): t is Extract<Token, { kind: 'word' }> => t.kind === 'word').map((t) => t.text);
    words = [];
    const cd = analyzeCommand(argv, out, at, depth);
    if (cd !== undefined) dir = cd === '' ? '' : joinDir(dir, cd);
  };
  for (const token of tokens) {
    if (token.kind === 'heredoc') continue;
    if (redirect) {
      if (token.kind === 'word') {
        if (redirect === '<') out.reads.push(at(token.text));
        else if (redirect === '>' || redirect === '>>' || redirect === '&>' || redirect === '>|') {
          if (!/^&\d$/.test(token.text) && token.text !== '/dev/null' && !token.text.startsWith('&')) out.writes.push(at(token.text));
        }
        redirect = undefined;
        continue;
      }
      redirect = undefined;
    }
    if (token.kind === 'op') {
      if (['<', '>', '>>', '&>', '>|'].includes(token.text)) {
        redirect = token.text;
        continue;
      }
      if (token.text === '<<' || token.text === '<<<') {
        redirect = 'skip';
        continue;
      }
      if (token.text === '<(' || token.text === '>(' || token.text === '(' || token.text === ')') continue;
      endCommand();
      continue;
    }
    words.push(token);
  }
  endCommand();
  for (const sub of subshells) merge(out, analyzeShell(sub, depth + 1), (p) => p);
  return out;
}

function merge(into: ShellAccess, from: ShellAccess, at: (p: string) => string): void {
  into.reads.push(...from.reads.map(at));
  into.folders.push(...from.folders.map(at));
  into.writes.push(...from.writes.map(at));
  into.candidates.push(...from.candidates.map(at));
}

/** Records one simple command's accesses; returns the new directory for `cd`, else undefined. */
function analyzeCommand(argvIn: string[], out: ShellAccess, at: (p: string) => string, depth: number): string | undefined {
  let argv = argvIn;
  while (argv.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0]!)) argv = argv.slice(1);
  while (argv.length > 0 && WRAPPERS.has(basename(argv[0]!))) {
    const wrapper = basename(argv[0]!);
    argv = argv.slice(1);
    while (argv.length > 0 && (argv[0]!.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0]!) || (wrapper === 'timeout' && /^\d/.test(argv[0]!)))) {
      const option = argv[0]!;
      argv = argv.slice(1);
      // `sudo -u user`, `timeout -s KILL`, `xargs -n 1`: options whose value is the next word.
      if (/^-[ugCDhpnIsLPEd]$/.test(option) && wrapper !== 'env' && argv.length > 1) argv = argv.slice(1);
    }
  }
  if (argv.length === 0) return undefined;
  const name = basename(argv[0]!);
  const args = argv.slice(1);
  if (name === 'cd' || name === 'pushd') return args.find((a) => !a.startsWith('-')) ?? '';
  if (FILE_READERS.has(name)) {
    const { operands, optionValues } = operandsOf(name, args);
    out.reads.push(...operands.filter((o) => o !== '-').map(at));
    if (name === 'sort') out.writes.push(...optionValues('-o').map(at));
    if (name === 'tar' || name === 'zip') out.folders.push(...operands.map(at));
    return undefined;
  }
  switch (name) {
    case 'grep':
    case 'egrep':
    case 'fgrep':
    case 'rg':
    case 'ag':
    case 'ack':
    case 'git-grep': {
      const { operands, flags, optionValues } = operandsOf(name === 'rg' || name === 'ag' || name === 'ack' ? 'rg' : 'grep', args);
      const patternGiven = optionValues('-e').length > 0 || optionValues('-f').length > 0 || flags.has('--regexp') || flags.has('--file');
      out.reads.push(...optionValues('-f').map(at));
      const paths = patternGiven ? operands : operands.slice(1);
      const recursive = name !== 'grep' && name !== 'egrep' && name !== 'fgrep' ? true : flags.has('-r') || flags.has('-R') || flags.has('--recursive') || flags.has('--dereference-recursive');
      if (paths.length === 0) {
        if (recursive) out.folders.push(at('.'));
      } else if (recursive) out.folders.push(...paths.map(at));
      else out.reads.push(...paths.map(at));
      return undefined;
    }
    case 'sed': {
      const { operands, flags, optionValues } = operandsOf('sed', args);
      const scriptGiven = optionValues('-e').length > 0 || optionValues('-f').length > 0;
      const files = scriptGiven ? operands : operands.slice(1);
      out.reads.push(...files.map(at));
      if ([...flags].some((f) => f === '--in-place' || /^-[a-zA-Z]*i/.test(f))) out.writes.push(...files.map(at));
      return undefined;
    }
    case 'awk':
    case 'gawk':
    case 'mawk':
    case 'nawk': {
      const { operands, optionValues } = operandsOf('awk', args);
      const programFiles = optionValues('-f');
      out.reads.push(...programFiles.map(at));
      out.reads.push(...(programFiles.length > 0 ? operands : operands.slice(1)).filter((o) => !o.includes('=')).map(at));
      return undefined;
    }
    case 'cp':
    case 'mv':
    case 'install':
    case 'ln':
    case 'rsync':
    case 'scp': {
      const { operands, flags, optionValues } = operandsOf(name, args);
      const targetDir = optionValues('-t')[0] ?? optionValues('--target-directory')[0];
      const sources = targetDir ? operands : operands.slice(0, -1);
      const target = targetDir ?? operands[operands.length - 1];
      const recursive = flags.has('-r') || flags.has('-R') || flags.has('-a') || flags.has('--recursive') || name === 'mv' || name === 'rsync' || name === 'scp';
      // A copy puts the content where a later innocent read would find it: it reads the sources.
      out.reads.push(...sources.map(at));
      if (recursive) out.folders.push(...sources.map(at));
      if (target !== undefined && sources.length > 0) out.writes.push(at(target));
      return undefined;
    }
    case 'tee': {
      const { operands } = operandsOf('tee', args);
      out.writes.push(...operands.map(at));
      return undefined;
    }
    case 'touch':
    case 'truncate':
    case 'mkdir':
      return undefined;
    case 'dd':
      for (const a of args) {
        if (a.startsWith('if=')) out.reads.push(at(a.slice(3)));
        if (a.startsWith('of=')) out.writes.push(at(a.slice(3)));
      }
      return undefined;
    case 'curl':
    case 'wget':
    case 'http':
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        const value = /^(-d|--data|--data-binary|--data-raw|--data-urlencode|-F|--form|-T|--upload-file|--post-file|--body-file)$/.test(a) ? args[++i] : undefined;
        if (value === undefined) continue;
        const file = a === '-T' || a === '--upload-file' || a === '--post-file' || a === '--body-file' ? value : /@([^;]+)/.exec(value)?.[1];
        if (file && file !== '-') out.reads.push(at(file));
      }
      return undefined;
    case 'git': {
      const sub = args.find((a) => !a.startsWith('-'));
      if (sub === 'show' || sub === 'cat-file') {
        for (const a of args) {
          const m = /^[^:\s]*:(.+)$/.exec(a);
          if (m && !a.startsWith('-')) out.reads.push(at(m[1]!));
        }
      }
      // Subcommands that print the content of tracked files: their paths, or the whole work tree.
      const subIndex = args.indexOf(sub ?? '');
      const rest = args.slice(subIndex + 1);
      const printsContent = sub === 'grep' || sub === 'diff' || sub === 'blame' || sub === 'archive' || (sub === 'log' && rest.some((a) => a === '-p' || a === '--patch' || a === '-L' || a.startsWith('-L'))) || (sub === 'stash' && rest[0] === 'show');
      if (printsContent) {
        const dashDash = rest.indexOf('--');
        const paths = dashDash >= 0 ? rest.slice(dashDash + 1) : sub === 'blame' ? rest.filter((a) => !a.startsWith('-')).slice(-1) : [];
        if (paths.length > 0) out.folders.push(...paths.map(at));
        else out.folders.push(at('.'));
      }
      return undefined;
    }
    case 'find': {
      // `find src … -exec cat {} +` prints every file it finds.
      if (args.some((a) => a === '-exec' || a === '-execdir' || a === '-ok' || a === '-print0' || a === '-fprint')) {
        const roots = args.filter((a, i) => !a.startsWith('-') && !a.startsWith('(') && (i === 0 || !args[i - 1]!.startsWith('-')));
        out.folders.push(...(roots.length > 0 ? roots : ['.']).slice(0, 1).map(at));
      }
      return undefined;
    }
    default:
      break;
  }
  if (INTERPRETERS.has(name) || /^python3\.\d+$/.test(name)) {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-c' || a === '-e' || a === '-p' || a === '-E' || a === '--eval' || a === '--print' || a === '-r') {
        const code = args[i + 1] ?? '';
        for (const m of code.matchAll(/(['"`])((?:(?!\1)[^\n\\]){1,500})\1/g)) out.candidates.push(at(m[2]!));
        i++;
      }
    }
    return undefined;
  }
  if (SHELLS.has(name)) {
    const c = args.indexOf('-c');
    if (c >= 0 && args[c + 1] !== undefined) merge(out, analyzeShell(args[c + 1]!, depth + 1), at);
    return undefined;
  }
  return undefined;
}

/** Splits arguments into operands and option flags, skipping the values of options that take one. */
function operandsOf(command: string, args: string[]): { operands: string[]; flags: Set<string>; optionValues: (option: string) => string[] } {
  const valueOptions = new Set([...(VALUE_OPTIONS[command] ?? []), '-e', '-f', '-t', '--target-directory', '-o']);
  const withValueInCommand = new Set(VALUE_OPTIONS[command] ?? []);
  const operands: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const push = (option: string, value: string) => values.set(option, [...(values.get(option) ?? []), value]);
  let endOfOptions = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (endOfOptions || !a.startsWith('-') || a === '-') {
      operands.push(a);
      continue;
    }
    if (a === '--') {
      endOfOptions = true;
      continue;
    }
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      flags.add(a.slice(0, eq));
      push(a.slice(0, eq), a.slice(eq + 1));
      continue;
    }
    flags.add(a);
    const takesValue =
      withValueInCommand.has(a) ||
      ((a === '-e' || a === '-f') && ['grep', 'rg', 'sed', 'awk'].includes(command)) ||
      (a === '-t' && ['cp', 'mv', 'install', 'ln'].includes(command)) ||
      a === '--target-directory' ||
      (a === '-o' && command === 'sort');
    if (takesValue && valueOptions.has(a)) {
      push(a, args[i + 1] ?? '');
      i++;
      continue;
    }
    // Bundled short flags (`-rn`, `-n5`): record each letter; `-n5` carries its value.
    if (/^-[A-Za-z]{2,}$/.test(a)) for (const letter of a.slice(1)) flags.add(`-${letter}`);
    const glued = /^(-[A-Za-z])(.+)$/.exec(a);
    if (glued && withValueInCommand.has(glued[1]!)) push(glued[1]!, glued[2]!);
    if (glued && (glued[1] === '-e' || glued[1] === '-f') && ['grep', 'rg', 'sed', 'awk'].includes(command) && !/^[A-Za-z]+$/.test(glued[2]!)) push(glued[1]!, glued[2]!);
  }
  return { operands, flags, optionValues: (option) => values.get(option) ?? [] };
}

function basename(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}

function joinDir(dir: string, path: string): string {
  if (dir === '' || path.startsWith('/') || path.startsWith('~')) return path;
  return `${dir.replace(/\/+$/, '')}/${path}`;
}
