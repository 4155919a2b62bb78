// The real Gemini CLI through Airlock's gateway against a fake upstream (see suite.ts).
// Base-URL mode points GOOGLE_GEMINI_BASE_URL at the gateway's /gemini prefix; both modes need
// the gateway's Gemini dialect (issue 11, proxy branch) and run as todo until the built gateway
// has it (suite.ts detects it from the gateway's usage text).
import { gemini } from './clients';
import { agentSuite } from './suite';

agentSuite(gemini, { modes: { 'base-url': true, proxy: true } });
