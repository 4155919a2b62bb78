// The real Copilot CLI with GitHub-hosted models (no BYOK provider) through Airlock's proxy mode
// (see suite.ts): a GitHub token from the environment, api.github.com through a blind tunnel
// (the policy's proxy.tunnel), the Copilot API host (endpoints.api of copilot_internal/user)
// decrypted and inspected. There is no base URL for it: proxy mode only.
import { copilotHosted } from './clients';
import { agentSuite } from './suite';

agentSuite(copilotHosted, { modes: { proxy: true } });
