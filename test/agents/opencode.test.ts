// The real opencode CLI through Airlock's gateway against a fake upstream (see suite.ts).
import { opencode } from './clients';
import { agentSuite } from './suite';

agentSuite(opencode, { modes: { 'base-url': true, proxy: true } });
