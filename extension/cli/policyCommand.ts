// `airlock policy validate [files…]` and `airlock policy test [files…]`.
// validate: exit 0 when every file is valid, else exit 2 with one `file:line:col: message` per problem.
// test: runs each file's embedded tests, prints failures and `N passed, N failed`, exit 1 on failure.
import { relative, resolve } from 'node:path';
import { formatProblem, loadPolicy, refKind, runPolicyTests, type PolicyProblem } from '../core/policy';
import { createNodePolicyReader, defaultWorkspacePolicyRef } from './policySource';
import type { CliIO } from './run';

const USAGE = `usage: airlock policy validate [files…]
       airlock policy test [files…]
       airlock policy sign FILE --key SSH_KEY     write FILE.sig (namespace airlock-policy) for org delivery
       airlock policy status [--org-policy REF]    the org policy in force: version, SHA-256, verified by, from where
With no files, the workspace policy (.airlock/policy.jsonc, else airlock:secrets) is used.
Exit codes: 0 valid / all tests pass, 1 a test failed, 2 a problem in a policy (or a file
that cannot be read) or a usage error.
`;

export async function policyCommand(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'validate') return validate(rest, io);
  if (sub === 'test') return test(rest, io);
  if (sub === 'sign') return import('./orgPolicy/policySign').then((m) => m.signPolicyCommand(rest, io));
  if (sub === 'status') return import('./orgPolicy/policySign').then((m) => m.policyStatusCommand(rest, io));
  if (sub === 'help' || sub === '--help' || sub === '-h') {
    io.stdout.write(USAGE);
    return 0;
  }
  io.stderr.write(`${sub === undefined ? 'airlock policy: say what to do: validate or test' : `airlock policy: unknown subcommand '${sub}' (validate or test)`}\n${USAGE}`);
  return 2;
}

function refsFor(files: string[], io: CliIO): string[] {
  if (files.length === 0) return [defaultWorkspacePolicyRef(io.cwd)];
  return files.map((f) => (refKind(f) === 'file' ? resolve(io.cwd, f) : f));
}

function display(source: string, io: CliIO): string {
  if (refKind(source) !== 'file') return source;
  const rel = relative(io.cwd, source);
  return rel.startsWith('..') ? source : rel;
}

async function validate(files: string[], io: CliIO): Promise<number> {
  const read = createNodePolicyReader();
  let errors = 0;
  for (const ref of refsFor(files, io)) {
    const { problems } = await loadPolicy(ref, read);
    for (const p of problems) io.stdout.write(`${formatProblem(p, display(p.source, io))}\n`);
    errors += countErrors(problems);
    if (problems.length === 0) io.stderr.write(`${display(ref, io)}: valid\n`);
  }
  return errors > 0 ? 2 : 0;
}

async function test(files: string[], io: CliIO): Promise<number> {
  const read = createNodePolicyReader();
  let passed = 0;
  let failed = 0;
  let broken = false;
  for (const ref of refsFor(files, io)) {
    const { policy, problems, ok } = await loadPolicy(ref, read);
    if (!ok) {
      for (const p of problems) io.stdout.write(`${formatProblem(p, display(p.source, io))}\n`);
      broken = true;
      continue;
    }
    for (const result of runPolicyTests(policy)) {
      if (result.passed) {
        passed++;
        continue;
      }
      failed++;
      io.stdout.write(`FAIL ${display(result.source, io)}:${result.line}:${result.column}: ${result.name}\n`);
      for (const why of result.failures) io.stdout.write(`  ${why}\n`);
    }
  }
  // A policy that cannot load ran no tests: its problems say so, a "0 passed" line would not.
  if (!broken || passed + failed > 0) io.stdout.write(`${passed} passed, ${failed} failed\n`);
  if (broken) return 2;
  return failed > 0 ? 1 : 0;
}

function countErrors(problems: PolicyProblem[]): number {
  return problems.filter((p) => p.severity === 'error').length;
}
