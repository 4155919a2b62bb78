// Scripts for the fakes: what the model answers, turn by turn.
import type { Script, Turn } from './types';

export const text = (t: string): Turn => ({ kind: 'text', text: t });
export const fail = (status: number, message: string): Turn => ({ kind: 'error', status, message });
export const tool = (name: string, input: Record<string, unknown>): Turn => ({ kind: 'tool', name, input });

/**
 * The main conversation walks through `steps` in order: step i is answered once the
 * conversation holds i tool results (so a tool call is followed by the next step after its
 * result comes back). Side requests without tools (titles, summaries) get `side`.
 * After the last step, the last step repeats if it is text; a tool step is never repeated.
 */
export function steps(list: Turn[], side: Turn = text('Airlock agent test')): Script {
  return ({ view }) => {
    if (!view.hasTools) return side;
    const i = view.toolResults.length;
    const step = list[Math.min(i, list.length - 1)]!;
    if (i >= list.length && step.kind === 'tool') return text('done');
    return step;
  };
}

/** A single plain answer to everything. */
export const say = (t: string): Script => steps([text(t)], text(t));
