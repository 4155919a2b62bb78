// Cursor names its workspace roots in every hook call: opened on a folder below the
// repository's top, the hooks still judge by the top's policy and record into the top's ledger
// (where `airlock check` reads), with paths from the top, as for every other agent (their cwd's
// git top). Before, the opened folder was taken as the repository: no policy there (the default
// preset, so protected paths were readable) and a second ledger nothing checks.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { answerHook } from '../../../extension/cli/hooks/command';
import { readLedger } from '../../../extension/cli/provenance/ledgerFile';
import type { ContributionRecord } from '../../../extension/core/ledger/records';
import { fixtureRepo, removedAtEnd, write } from './support';

function repo(): string {
  return removedAtEnd(fixtureRepo());
}

test('Cursor opened on a subfolder: the top policy protects src/secret/**, and an edit is recorded in the top ledger as src/…', async () => {
  const root = repo();
  const opened = join(root, 'src');
  const common = { conversation_id: 'c', generation_id: 'g', model: 'gpt-5', workspace_roots: [opened] };

  const read = await answerHook(['cursor', 'beforeReadFile'], JSON.stringify({ ...common, hook_event_name: 'beforeReadFile', file_path: join(opened, 'secret', 'keys.ts') }), opened);
  assert.equal((JSON.parse(read.stdout ?? '{}') as { permission?: string }).permission, 'deny', 'the top policy protects src/secret/**');

  write(root, 'src/ok.ts', 'export const ok = 1;\nexport const more = ok + 1;\n');
  await answerHook(['cursor', 'afterFileEdit'], JSON.stringify({ ...common, hook_event_name: 'afterFileEdit', file_path: join(opened, 'ok.ts'), edits: [{ old_string: '', new_string: 'export const more = ok + 1;' }] }), opened);
  const records = readLedger(root).records.filter((r): r is ContributionRecord => r.type === 'contribution');
  assert.deepEqual(records.map((r) => [r.path, r.startLine, r.endLine, r.tool]), [['src/ok.ts', 2, 2, 'cursor']]);
  assert.equal(existsSync(join(opened, '.airlock')), false, 'no second .airlock in the opened folder');
});
