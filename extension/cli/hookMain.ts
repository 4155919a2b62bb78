// dist/hook-engine.js: the hook decision with the policy engine, loaded by dist/hook.js
// (require, for a standalone decision) or run as the hook server (`--serve`).
import { answerHook, failureAnswer } from './hooks/command';
import { serveHooks } from './hooks/server';

export { answerHook, failureAnswer };

if (require.main === module && process.argv[2] === '--serve') void serveHooks(__filename);
