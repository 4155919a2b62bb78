// What the editor's "Set Up Agent Guard Rails…" command uses: the same rendering and writing
// as `airlock agents install`, so the editor and the CLI cannot disagree.
export { GUARD_AGENTS, type GuardAgent, type RenderedFile } from './guardFiles';
export { loadGuardPolicy, plan, readManifest, writeGuardFile } from './install';
export { LOCAL_CLI_POINTER } from './launcher';
