// The `attachments` setting of one layer, as a rule that fires when the request carries an
// opaque binary payload (image, PDF, archive) no detector can read. Text payloads never get
// here: the dialect parsers decode them into segments, which the detectors scan.
import type { RequestContext } from './context';
import type { FiredRule } from './evaluateLayer';
import type { AttachmentAction, CompiledEgressRule, CompiledLayer } from './layer';

export const ATTACHMENTS_RULE = 'airlock:attachments';

const MESSAGES: Record<Exclude<AttachmentAction, 'allow'>, string> = {
  block: 'This request carries a binary attachment (an image, a PDF, an archive) that Airlock cannot inspect; the policy blocks attachments to this destination.',
  audit: 'Recorded: this request carries a binary attachment Airlock cannot inspect.',
};

const RULES: Record<Exclude<AttachmentAction, 'allow'>, CompiledEgressRule> = {
  block: { id: ATTACHMENTS_RULE, action: 'block', message: MESSAGES.block, protected: false },
  audit: { id: ATTACHMENTS_RULE, action: 'audit', message: MESSAGES.audit, protected: false },
};

/** What the layer says about attachments to this destination. */
export function attachmentAction(layer: CompiledLayer, ctx: RequestContext): AttachmentAction {
  const setting = layer.attachments;
  if (!setting) return 'allow';
  for (const { group, action } of setting.byGroup) if (group.matches(ctx.destination)) return action;
  return setting.fallback;
}

export function evaluateAttachments(layer: CompiledLayer, ctx: RequestContext): FiredRule[] {
  const attachments = ctx.request.attachments;
  if (!attachments?.length) return [];
  const action = attachmentAction(layer, ctx);
  if (action === 'allow') return [];
  const rule = RULES[action];
  return [{ rule, layer: layer.name, findings: attachments.map((a) => ({ rule: rule.id, kind: 'attachment', action, segment: a.id })) }];
}
