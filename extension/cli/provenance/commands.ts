// The provenance subcommands, for the `commands` table in cli/run.ts.
import { checkCommand } from './check';
import type { Handler } from './common';
import { hooksCommand } from './hooks';
import { recordCommand } from './record';
import { reviewCommand } from './review';
import { traceCommand } from './trace';
import { commitTrailersCommand } from './trailers';

export const provenanceCommands: Record<string, Handler> = {
  record: recordCommand,
  check: checkCommand,
  review: reviewCommand,
  hooks: hooksCommand,
  trace: traceCommand,
  'commit-trailers': commitTrailersCommand,
};
