// Redaction placeholders: numbered per detector, stable per value, overlapping spans cut once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactSegments } from '../../../extension/core/egress/redact';
import type { Finding } from '../../../extension/core/egress/types';

const f = (segment: string, start: number, end: number, detector: string): Finding => ({ rule: 'r', kind: 'secret', action: 'redact', segment, start, end, detector });

test('same value, same placeholder; numbering per detector; overlaps cut once', () => {
  const segments = [
    { id: 'a', role: 'user' as const, text: 'x=SECRET1 y=SECRET2 z=SECRET1' },
    { id: 'b', role: 'file' as const, path: 'k.env', text: 'TOKEN=SECRET2;JWT=eyJhbGciOi.zzz' },
    { id: 'c', role: 'user' as const, text: 'untouched' },
  ];
  const findings = [
    f('a', 2, 9, 'generic'),
    f('a', 12, 19, 'generic'),
    f('a', 22, 29, 'generic'),
    f('b', 6, 13, 'generic'),
    f('b', 18, 32, 'jwt'),
    f('b', 18, 28, 'generic'), // inside the jwt span
  ];
  const out = redactSegments(segments, findings);
  assert.deepEqual(out.map((s) => s.text), [
    'x=[REDACTED:generic#1] y=[REDACTED:generic#2] z=[REDACTED:generic#1]',
    'TOKEN=[REDACTED:generic#2];JWT=[REDACTED:jwt#1]',
    'untouched',
  ]);
  assert.equal(out[1]!.path, 'k.env');
  assert.equal(segments[0]!.text, 'x=SECRET1 y=SECRET2 z=SECRET1', 'input segments are not mutated');
  assert.deepEqual(findings.map((x) => x.placeholder), [
    '[REDACTED:generic#1]', '[REDACTED:generic#2]', '[REDACTED:generic#1]', '[REDACTED:generic#2]', '[REDACTED:jwt#1]', '[REDACTED:jwt#1]',
  ]);
});
