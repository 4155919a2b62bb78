// The real Claude Code CLI through Airlock's gateway against a fake upstream (see suite.ts).
import { claude } from './clients';
import { agentSuite } from './suite';

agentSuite(claude, { modes: { 'base-url': true, proxy: true } });
