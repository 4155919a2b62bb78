// The real Copilot CLI (BYOK) CLI through Airlock's gateway against a fake upstream (see suite.ts).
import { copilot } from './clients';
import { agentSuite } from './suite';

agentSuite(copilot, { modes: { 'base-url': true, proxy: true } });
