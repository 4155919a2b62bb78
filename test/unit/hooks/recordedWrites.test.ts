// Writes of the real Codex 0.171 and Copilot CLI 1.0.102 (create, edit, and apply_patch on a GPT-5 model), replayed from the hook payloads they
// sent (test/fixtures/agents/<agent>/<case>.hook-payloads.json, captured by test/agents/capture.ts)
// through the code `airlock hook <agent>` runs: the same write retargeted into test/ is refused in
// the agent's own format; the write as recorded, made between its pre and post payloads, lands in
// the ledger with tool, model and exactly the lines written.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { answerHook } from '../../../extension/cli/hooks/command';
import { readLedger } from '../../../extension/cli/provenance/ledgerFile';
import type { ContributionRecord } from '../../../extension/core/ledger/records';
import { fixtureRepo, git, removedAtEnd, write } from './support';

const CAPTURES = join(__dirname, '..', '..', 'fixtures', 'agents');
/** Where test/agents/capture.ts ran the CLIs (capture.ts CAPTURE_WORKDIR). */
const CAPTURE_WORKDIR = '/tmp/airlock-capture/acme-quotes';
const GREET = 'export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n';
const GREET_TRIMMED = 'export function greet(name: string): string {\n  const who = name.trim();\n  return `Hello, ${who}!`;\n}\n';
const DISCOUNT = 'export const discount = (c: number) => Math.round(c * 0.9);\nexport const none = 0;\n';

type Payload = Record<string, unknown>;

/** The recorded payloads of one capture, with the capture's folder replaced by `root`. */
type Recorded = { event: string; payload: Payload };

function recorded(agentCase: string, root: string): Recorded[] {
  const text = readFileSync(join(CAPTURES, `${agentCase}.hook-payloads.json`), 'utf8').replaceAll(CAPTURE_WORKDIR, root);
  const hooks = (JSON.parse(text) as { hooks: { event: string; payload: Payload }[] }).hooks;
  // The session transcripts stayed on the capture machine.
  return hooks.map((h) => ({ event: h.event, payload: { ...h.payload, transcript_path: null } }));
}

function repo(): string {
  const root = removedAtEnd(fixtureRepo());
  write(root, 'src/greet.ts', GREET);
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'greet');
  return root;
}

const contributions = (root: string) =>
  readLedger(root).records.filter((r): r is ContributionRecord => r.type === 'contribution').map((r) => [r.path, r.startLine, r.endLine, r.tool, r.model ?? null]);

/** Codex runs `airlock-hook codex` (the event is in the payload); Copilot CLI `airlock-hook copilot-cli <event>`. */
const argsFor = (agent: 'codex' | 'copilot-cli', event: string) => (agent === 'codex' ? ['codex'] : ['copilot-cli', event]);

const hook = (root: string, agent: 'codex' | 'copilot-cli', event: string, payload: Payload) => answerHook(argsFor(agent, event), JSON.stringify(payload), root);

/** A payload with every mention of `from` (path, patch header) moved to `to`. */
const retarget = (payload: Payload, from: string, to: string) => JSON.parse(JSON.stringify(payload).replaceAll(from, to)) as Payload;

const CASES = [
  { agentCase: 'codex/apply-patch-add', agent: 'codex', path: 'src/discount.ts', into: 'test/unit/discount.test.ts', make: (root: string) => write(root, 'src/discount.ts', DISCOUNT), lines: [1, 2], model: 'gpt-5.5' },
  { agentCase: 'codex/apply-patch-update', agent: 'codex', path: 'src/greet.ts', into: 'test/unit/existing.test.ts', make: (root: string) => write(root, 'src/greet.ts', GREET_TRIMMED), lines: [2, 3], model: 'gpt-5.5' },
  { agentCase: 'copilot/create', agent: 'copilot-cli', path: 'src/discount.ts', into: 'test/unit/discount.test.ts', make: (root: string) => write(root, 'src/discount.ts', DISCOUNT), lines: [1, 2], model: 'gpt-4.1' },
  { agentCase: 'copilot/apply-patch', agent: 'copilot-cli', path: 'src/discount.ts', into: 'test/unit/discount.test.ts', make: (root: string) => write(root, 'src/discount.ts', DISCOUNT), lines: [1, 2], model: 'gpt-5.1-codex' },
  { agentCase: 'copilot/edit', agent: 'copilot-cli', path: 'src/greet.ts', into: 'test/unit/existing.test.ts', make: (root: string) => write(root, 'src/greet.ts', GREET_TRIMMED), lines: [2, 3], model: 'gpt-4.1' },
] as const;

/** Copilot CLI's payloads carry no model: the hook reads COPILOT_MODEL (which BYOK requires). */
/** Runs `body` with these environment variables (undefined: unset), then puts them back. */
async function withEnv<T>(vars: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  try {
    return await body();
  } finally {
    set(saved);
  }
}

const withCopilotModel = <T>(model: string, body: () => Promise<T>) => withEnv({ COPILOT_MODEL: model }, body);

/**
 * A first-turn Copilot create (no COPILOT_MODEL): its pre/post payloads, the session, and the
 * session's transcript path under a fresh COPILOT_HOME, set for `body`.
 */
async function copilotFirstTurn(root: string, body: (turn: { p: Recorded; q: Recorded; home: string; session: string; transcript: string }) => Promise<void>): Promise<void> {
  const [p, q] = recorded('copilot/create', root);
  const home = mkdtempSync(join(tmpdir(), 'airlock-copilot-home-'));
  removedAtEnd(home);
  const session = String(p!.payload.sessionId);
  const transcript = join(home, 'session-state', session, 'events.jsonl');
  await withEnv({ COPILOT_HOME: home, COPILOT_MODEL: undefined }, () => body({ p: p!, q: q!, home, session, transcript }));
}

for (const c of CASES) {
  const [pre] = recorded(c.agentCase, '/ROOT');
  const preEvent = pre!.event;

  test(`${c.agentCase}: the recorded ${String(pre!.payload.tool_name ?? pre!.payload.toolName)} retargeted into test/ is refused before it runs`, async () => {
    const root = repo();
    const [p] = recorded(c.agentCase, root);
    const before = (() => {
      try {
        return readFileSync(join(root, c.into), 'utf8');
      } catch {
        return undefined;
      }
    })();
    const answer = await hook(root, c.agent, preEvent, retarget(p!.payload, c.path, c.into));
    if (c.agent === 'codex') {
      assert.equal(answer.exitCode, 2, answer.stderr);
      assert.match(answer.stderr ?? '', /No AI code in tests/);
    } else {
      assert.equal(answer.exitCode, 0);
      const out = JSON.parse(answer.stdout ?? '{}') as { permissionDecision?: string; permissionDecisionReason?: string };
      assert.equal(out.permissionDecision, 'deny');
      assert.match(out.permissionDecisionReason ?? '', /No AI code in tests/);
    }
    const now = (() => {
      try {
        return readFileSync(join(root, c.into), 'utf8');
      } catch {
        return undefined;
      }
    })();
    assert.equal(now, before, 'nothing was written');
    assert.deepEqual(contributions(root), []);
  });

  test(`${c.agentCase}: the recorded write is recorded with tool, model and exactly lines ${c.lines.join('-')}`, async () => {
    const root = repo();
    const [p, q] = recorded(c.agentCase, root);
    await withCopilotModel(c.model, async () => {
      assert.equal((await hook(root, c.agent, p!.event, p!.payload)).exitCode, 0);
      c.make(root);
      assert.equal((await hook(root, c.agent, q!.event, q!.payload)).exitCode, 0);
    });
    assert.deepEqual(contributions(root), [[c.path, ...c.lines, c.agent, c.model]]);
  });
}

test('copilot/create in a first turn without COPILOT_MODEL: held until agentStop, written with the model its transcript then names', async () => {
  const root = repo();
  await copilotFirstTurn(root, async ({ p, q, home, session, transcript }) => {
    await hook(root, 'copilot-cli', p.event, p.payload);
    write(root, 'src/discount.ts', DISCOUNT);
    await hook(root, 'copilot-cli', q.event, q.payload);
    assert.deepEqual(contributions(root), [], 'held: no model known yet (the transcript is written at the end of the turn)');
    // The end of the turn: Copilot has written events.jsonl and names it in agentStop's payload.
    write(home, `session-state/${session}/events.jsonl`, `${JSON.stringify({ type: 'assistant.message', data: { messageId: 'm1', model: 'claude-sonnet-4.5', content: '' } })}\n`);
    const stop = await hook(root, 'copilot-cli', 'agentStop', { sessionId: session, timestamp: 1, cwd: root, transcriptPath: transcript, stopReason: 'end_turn', stop_hook_active: false });
    assert.deepEqual([stop.exitCode, stop.stdout ?? '', stop.stderr ?? ''], [0, '', '']);
    assert.deepEqual(contributions(root), [['src/discount.ts', 1, 2, 'copilot-cli', 'claude-sonnet-4.5']]);
    await hook(root, 'copilot-cli', 'sessionEnd', { sessionId: session, timestamp: 2, cwd: root, reason: 'complete' });
    assert.equal(contributions(root).length, 1, 'written once');

    // No transcript at the end of the turn either: written without a model rather than lost.
    const other = retarget(p.payload, 'src/discount.ts', 'src/other.ts');
    await hook(root, 'copilot-cli', 'preToolUse', { ...other, sessionId: 'second-session' });
    write(root, 'src/other.ts', 'export const other = 1;\n');
    await hook(root, 'copilot-cli', 'postToolUse', { ...retarget(q.payload, 'src/discount.ts', 'src/other.ts'), sessionId: 'second-session' });
    await hook(root, 'copilot-cli', 'sessionEnd', { sessionId: 'second-session', timestamp: 3, cwd: root, reason: 'complete' });
    assert.deepEqual(contributions(root).at(-1), ['src/other.ts', 1, 1, 'copilot-cli', null]);
  });
});

test('copilot/create in a first turn: a model Copilot writes into its transcript just after agentStop fired is still the one recorded', async () => {
  const root = repo();
  await copilotFirstTurn(root, async ({ p, q, home, session, transcript }) => {
    await hook(root, 'copilot-cli', p.event, p.payload);
    write(root, 'src/discount.ts', DISCOUNT);
    await hook(root, 'copilot-cli', q.event, q.payload);
    // The hook runs before Copilot has flushed the turn's events (the race the real CLI showed).
    write(home, `session-state/${session}/events.jsonl`, '');
    const late = setTimeout(() => write(home, `session-state/${session}/events.jsonl`, `${JSON.stringify({ type: 'assistant.message', data: { messageId: 'm1', model: 'gpt-4.1', content: '' } })}\n`), 200);
    const stop = await hook(root, 'copilot-cli', 'agentStop', { sessionId: session, timestamp: 1, cwd: root, transcriptPath: transcript, stopReason: 'end_turn', stop_hook_active: false });
    clearTimeout(late);
    assert.equal(stop.exitCode, 0);
    assert.deepEqual(contributions(root), [['src/discount.ts', 1, 2, 'copilot-cli', 'gpt-4.1']]);
  });
});

test('codex/shell-apply-patch: the heredoc Codex applies itself is refused into test/, and recorded at Stop when allowed', async () => {
  const root = repo();
  const [pre, stop] = recorded('codex/shell-apply-patch', root);
  assert.equal(pre!.payload.tool_name, 'Bash');
  assert.equal(stop!.event, 'Stop');
  const refused = await hook(root, 'codex', 'PreToolUse', retarget(pre!.payload, 'src/discount.ts', 'test/unit/discount.test.ts'));
  assert.equal(refused.exitCode, 2);
  assert.match(refused.stderr ?? '', /No AI code in tests/);

  assert.equal((await hook(root, 'codex', 'PreToolUse', pre!.payload)).exitCode, 0);
  write(root, 'src/discount.ts', DISCOUNT); // what Codex's intercept_apply_patch does; no PostToolUse follows
  assert.deepEqual(contributions(root), [], 'nothing is recorded before a later hook call of the session');
  const answer = await hook(root, 'codex', 'Stop', stop!.payload);
  assert.deepEqual([answer.exitCode, answer.stdout ?? '', answer.stderr ?? ''], [0, '', ''], 'Stop is answered with exit 0 and nothing else (exit 2 would make Codex go on)');
  assert.deepEqual(contributions(root), [['src/discount.ts', 1, 2, 'codex', 'gpt-5.5']]);
  // Recorded once: a second Stop finds nothing pending.
  await hook(root, 'codex', 'Stop', stop!.payload);
  assert.equal(contributions(root).length, 1);
});

test('codex: a pending heredoc patch is recorded at the next tool call of the session, and one that changed nothing is dropped at Stop', async () => {
  const root = repo();
  const [pre, stop] = recorded('codex/shell-apply-patch', root);
  await hook(root, 'codex', 'PreToolUse', pre!.payload);
  write(root, 'src/discount.ts', DISCOUNT);
  const next = { ...pre!.payload, tool_input: { command: 'ls' }, tool_use_id: 'call_next' };
  await hook(root, 'codex', 'PreToolUse', next);
  assert.deepEqual(contributions(root), [['src/discount.ts', 1, 2, 'codex', 'gpt-5.5']]);

  // A patch that failed (the file never appears) leaves no record and nothing pending after Stop.
  const failed = retarget({ ...pre!.payload, tool_use_id: 'call_failed' }, 'src/discount.ts', 'src/never.ts');
  await hook(root, 'codex', 'PreToolUse', failed);
  await hook(root, 'codex', 'Stop', stop!.payload);
  write(root, 'src/never.ts', 'export const late = 1;\n'); // written later by someone else
  await hook(root, 'codex', 'Stop', stop!.payload);
  assert.equal(contributions(root).length, 1);
});

test('codex/apply-patch-update: recorded exactly (confidence 1) from the files the patch names, not a file someone else changed meanwhile', async () => {
  const root = repo();
  const [p, q] = recorded('codex/apply-patch-update', root);
  await hook(root, 'codex', p!.event, p!.payload);
  write(root, 'src/greet.ts', GREET_TRIMMED);
  write(root, 'docs/guide.md', 'hello world\nedited by a human meanwhile\n');
  await hook(root, 'codex', q!.event, q!.payload);
  const records = readLedger(root).records.filter((r): r is ContributionRecord => r.type === 'contribution');
  assert.deepEqual(records.map((r) => [r.path, r.startLine, r.endLine, r.confidence]), [['src/greet.ts', 2, 3, 1]]);
});

test('in a git worktree the pending heredoc patch is found again (snapshots live in the common git dir)', async () => {
  const main = repo();
  const wt = join(main, '..', `${main.split('/').pop()}-wt`);
  git(main, 'worktree', 'add', '-q', wt);
  removedAtEnd(wt);
  const [pre, stop] = recorded('codex/shell-apply-patch', wt);
  await hook(wt, 'codex', 'PreToolUse', pre!.payload);
  write(wt, 'src/discount.ts', DISCOUNT);
  await hook(wt, 'codex', 'Stop', stop!.payload);
  assert.deepEqual(contributions(wt), [['src/discount.ts', 1, 2, 'codex', 'gpt-5.5']]);
});

test('copilot/create in a continued session: the model comes from the session events.jsonl Copilot CLI keeps, before COPILOT_MODEL', async () => {
  const root = repo();
  const [p, q] = recorded('copilot/create', root);
  const home = mkdtempSync(join(tmpdir(), 'airlock-copilot-home-'));
  removedAtEnd(home);
  const session = String(p!.payload.sessionId);
  // The event shapes Copilot CLI 1.0.102 wrote (session-state/<id>/events.jsonl), trimmed.
  write(home, `session-state/${session}/events.jsonl`, [
    { type: 'session.start', data: { sessionId: session, version: 1, producer: 'copilot-agent', copilotVersion: '1.0.102', selectedModel: 'claude-sonnet-4.5' } },
    { type: 'assistant.message', data: { messageId: 'm1', model: 'gpt-5-mini', content: '', toolRequests: [] } },
    { type: 'tool.execution_start', data: { toolCallId: 'call_fake1', toolName: 'view', turnId: '0', model: 'gpt-5-mini' } },
  ].map((e) => JSON.stringify(e)).join('\n') + '\n');
  const saved = { home: process.env.COPILOT_HOME, model: process.env.COPILOT_MODEL };
  process.env.COPILOT_HOME = home;
  process.env.COPILOT_MODEL = 'gpt-4.1'; // overridden by --model in that session: the transcript says what ran
  try {
    await hook(root, 'copilot-cli', p!.event, p!.payload);
    write(root, 'src/discount.ts', DISCOUNT);
    await hook(root, 'copilot-cli', q!.event, q!.payload);
  } finally {
    for (const [k, v] of [['COPILOT_HOME', saved.home], ['COPILOT_MODEL', saved.model]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  assert.deepEqual(contributions(root), [['src/discount.ts', 1, 2, 'copilot-cli', 'gpt-5-mini']]);
});
