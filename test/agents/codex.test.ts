// The real Codex CLI CLI through Airlock's gateway against a fake upstream (see suite.ts).
import { codex } from './clients';
import { agentSuite } from './suite';

agentSuite(codex, { modes: { 'base-url': true, proxy: true } });
