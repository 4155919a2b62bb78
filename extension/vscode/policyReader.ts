// Reads policy references for the core loader inside VS Code: presets from the copies
// compiled into the engine (never from a file a keystroke could change), workspace files from the open editor when it has unsaved edits (so
// diagnostics follow typing) and from disk otherwise, and https URLs with a time and size cap.
import * as vscode from 'vscode';
import type { PolicyReader } from '../core/policy';
import { loadEngine } from './engine';

const URL_TIMEOUT_MS = 10_000;
const URL_MAX_BYTES = 5 * 1024 * 1024;

export async function createVscodePolicyReader(): Promise<PolicyReader> {
  const { BUNDLED_PRESETS, PRESET_PREFIX, refKind } = loadEngine().policy;
  const read: PolicyReader = async (ref) => {
    switch (refKind(ref)) {
      case 'preset': {
        const name = ref.slice(PRESET_PREFIX.length);
        const text = Object.hasOwn(BUNDLED_PRESETS, name) ? BUNDLED_PRESETS[name] : undefined;
        if (text === undefined) throw new Error(`unknown preset "${ref}"`);
        return text;
      }
      case 'url':
        return readUrl(ref);
      case 'file': {
        const uri = vscode.Uri.file(ref);
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (open) return open.getText();
        try {
          return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        } catch {
          throw new Error(`cannot read ${ref}`);
        }
      }
    }
  };
  // Fingerprint files named by `protected.fingerprints` (binary).
  read.readBytes = async (ref) => {
    if (refKind(ref) === 'url') {
      const response = await fetch(ref, { signal: AbortSignal.timeout(URL_TIMEOUT_MS), redirect: 'error' });
      if (!response.ok) throw new Error(`cannot fetch ${ref}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    }
    try {
      return await vscode.workspace.fs.readFile(vscode.Uri.file(ref));
    } catch {
      throw new Error(`cannot read ${ref}`);
    }
  };
  return read;
}

async function readUrl(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(URL_TIMEOUT_MS), redirect: 'error' }).catch((error: unknown) => {
    throw new Error(`cannot fetch ${url}: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > URL_MAX_BYTES) throw new Error(`${url} is larger than ${URL_MAX_BYTES} bytes`);
  const text = await response.text();
  if (text.length > URL_MAX_BYTES) throw new Error(`${url} is larger than ${URL_MAX_BYTES} bytes`);
  return text;
}
