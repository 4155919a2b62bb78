// Loads the engine bundle (policy, detectors, ledger, provenance, gateway: dist/engine.js) the
// first time something needs it. Activation never does: it only wires things up.
import type * as EngineModule from './engineEntry';

export type Engine = typeof EngineModule;

let engine: Engine | undefined;

export function loadEngine(): Engine {
  // A plain require of the sibling bundle; esbuild leaves it external (see esbuild.mjs).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  engine ??= require('./engine.js') as Engine;
  return engine;
}
