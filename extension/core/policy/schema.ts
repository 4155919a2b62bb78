// The policy language, defined once. Every field is described: the descriptions become the
// hover docs of policies/airlock-policy.schema.json in the editor. Objects are strict so a
// misspelt key is an error instead of a silently ignored rule.
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$/, 'ids are 1-80 letters, digits, `.`, `_`, `:` or `-`, starting with a letter or digit');

export const EGRESS_ACTIONS = ['block', 'redact', 'warn', 'audit', 'allow'] as const;
export const PROTECTED_REFERENCES = ['ignore', 'audit', 'block'] as const;
export const SEGMENT_ROLES = ['system', 'user', 'assistant', 'tool-call', 'tool-result', 'file', 'other', 'credential'] as const;
export const ATTACHMENT_ACTIONS = ['block', 'audit', 'allow'] as const;

const egressAction = z
  .enum(EGRESS_ACTIONS)
  .describe('What happens when the rule matches. The strongest action of all matching rules wins: block > redact > warn > audit > allow.');

const segmentRole = z
  .enum(SEGMENT_ROLES)
  .describe('Where a piece of request text came from. `other`: text no dialect parser attributes (tool descriptions, schemas, metadata, object keys, the URL, custom headers). `credential`: a credential header or query parameter shaped like one (the client\'s own key), read for protected code but not for secrets.');

const attachmentAction = z
  .enum(ATTACHMENT_ACTIONS)
  .describe('What happens to a request carrying an opaque binary attachment (an image, a PDF, an archive: no detector can read it).');

export const attachmentsSchema = z
  .union([
    attachmentAction,
    z.strictObject({
      default: attachmentAction.optional().describe('For destinations in none of the groups below (default `allow`).'),
      destinations: z
        .record(id, attachmentAction)
        .optional()
        .describe('Per destination group (defined under `destinations`): the first listed group the destination is in decides.'),
    }),
  ])
  .describe(
    'Opaque binary attachments (base64 images, PDFs, archives; text payloads are decoded and scanned like any text): `allow`, `audit` or `block`, everywhere or per destination group. Unset: `allow`.',
  );

export const protectedSchema = z
  .strictObject({
    paths: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Path globs of protected code, like .gitignore: a pattern with a slash at the start or in the middle (`/build`, `src/core/**`) is anchored at the workspace root, one without (`*.pem`, `secrets/`) matches at any depth, a directory covers everything below it, `!pattern` re-includes, the last matching pattern wins.',
      ),
    markers: z
      .array(z.string().min(3).max(200))
      .optional()
      .describe('Text that marks protected content wherever it appears, e.g. `ACME CONFIDENTIAL` or a copyright header. Matched case-insensitively, as whole words.'),
    fingerprints: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Fingerprint files (`airlock fingerprint build … --out F`; hashes only, no code) of protected code that need not be in this workspace, e.g. `./fp/acme-core.alfp`. Relative to this policy file. A copy of that code in a request is protected content.',
      ),
    references: z
      .enum(PROTECTED_REFERENCES)
      .optional()
      .describe(
        'What a protected path that is only mentioned (a directory listing, an `@mention` without content, a tool call naming a file) counts for. `ignore` (default): nothing, only content leaving counts. `audit`: recorded. `block`: treated as protected code leaving (the strict, pre-fingerprint behaviour).',
      ),
  })
  .describe(
    'What counts as protected code. A request is `protected` when it carries protected content: a copy of protected code (found by fingerprint), the content of a file under a protected path, or a marker.',
  );

export const customDetectorSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'detector ids are 1-64 chars of a-z, 0-9, `.`, `_`, `-`, starting with a letter or digit')
      .describe('Detector id, shown in findings and redaction placeholders.'),
    description: z.string().optional().describe('What the detector finds, for people reading findings.'),
    regex: z
      .string()
      .min(1)
      .max(2000)
      .describe('RE2 regular expression (linear time: no backreferences or lookaround). The whole match, or `secretGroup`, is the secret.'),
    keywords: z
      .array(z.string().min(1))
      .optional()
      .describe('Cheap prefilter: the regex only runs on text that contains one of these (case-insensitive).'),
    minEntropy: z
      .number()
      .min(0)
      .max(8)
      .optional()
      .describe('Minimum Shannon entropy (bits per character) of the secret; lower-entropy matches are ignored as placeholders.'),
    secretGroup: z
      .union([z.number().int().min(0).max(99), z.string().min(1)])
      .optional()
      .describe('Capture group (number or name) holding the secret (default 0, the whole match).'),
    ignoreCase: z.boolean().optional().describe('Match the regex case-insensitively.'),
  })
  .describe('A detector written by the policy author.');

export const detectorsSchema = z
  .strictObject({
    builtin: z
      .boolean()
      .optional()
      .describe('Use the built-in secrets pack (303 credential formats, decoded through concatenation, escapes, URL encoding, HTML references, line continuations, base64, YAML blocks and diffs). Default true.'),
    disable: z
      .array(id)
      .optional()
      .describe('Ids of built-in detectors to turn off in this policy layer (a lower layer cannot turn off a higher layer\'s detectors).'),
    allowlist: z
      .array(z.string().min(1))
      .optional()
      .describe('Exact values that are never findings (known test fixtures, documented placeholders). Applies to this layer only.'),
    allowlistPatterns: z
      .array(z.string().min(1).max(1000))
      .optional()
      .describe('RE2 regexes: a value containing a match is never a finding. Applies to this layer only.'),
    custom: z.array(customDetectorSchema).optional().describe('Detectors written for this organization (internal token formats, …).'),
    import: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'gitleaks-format TOML configs to load as detectors (paths relative to this policy, e.g. "./.gitleaks.toml"): rules with regex, secretGroup, entropy, keywords and allowlists, global allowlists, and [extend] useDefault (keeps the built-in pack) / disabledRules. Regexes run on RE2 (linear time). Unsupported fields are reported with their line and ignored.',
      ),
  })
  .describe('Which detectors scan request text.');

export const destinationsSchema = z
  .record(
    id,
    z
      .array(z.string().min(1))
      .describe(
        'Host globs (`api.openai.com`, `*.openai.azure.com`, `*.acme.internal:8443`) or URL prefixes (`https://llm.acme.com/v1/`).',
      ),
  )
  .describe('Named groups of destinations, e.g. `internal` and `public-ai`, used by egress rules.');

export const whenSchema = z
  .strictObject({
    protected: z
      .boolean()
      .optional()
      .describe('true: matches when the request carries protected content (see `protected`); mentioned paths count only as `protected.references` says.'),
    detectors: z
      .array(z.string().min(1))
      .optional()
      .describe('Detector ids (globs allowed, `*` = any enabled detector). Matches when one of them finds something.'),
    destinations: z
      .array(z.string().min(1))
      .optional()
      .describe('Destination group names. `!name` matches destinations outside that group (e.g. `["!internal"]`).'),
    assistants: z
      .array(z.string().min(1))
      .optional()
      .describe('Assistant or tool ids (globs allowed, `!id` excludes), e.g. `claude-code`, `continue`.'),
    segmentRoles: z
      .array(segmentRole)
      .optional()
      .describe(
        'Only scan segments with these roles. Default: all, except that fingerprints are not looked for in the model\'s own turns (`assistant`, `tool-call`), which echo what the model wrote; list those roles to include them.',
      ),
  })
  .describe('Conditions; all given conditions must hold. An empty `when` matches every request.');

export const egressRuleSchema = z
  .strictObject({
    id: id.describe('Rule id, unique across all layers; shown in findings and verdicts.'),
    description: z.string().optional().describe('Why the rule exists.'),
    when: whenSchema,
    action: egressAction,
    message: z.string().max(500).optional().describe('What the engineer sees when this rule decides the verdict.'),
  })
  .describe('An egress rule: when its conditions hold, its action applies.');

export const reviewRuleSchema = z
  .strictObject({
    id: id.describe('Rule id, unique across all layers.'),
    description: z.string().optional().describe('Why the rule exists.'),
    paths: z
      .array(z.string().min(1))
      .min(1)
      .describe('Path globs the rule covers, anchored like .gitignore (`!pattern` re-includes, last match wins).'),
    action: z
      .enum(['forbid', 'require-approval'])
      .describe('`forbid`: AI-written code is not allowed here at all. `require-approval`: a human must approve AI-written code here.'),
    distinctReviewer: z
      .boolean()
      .optional()
      .describe('For `require-approval`: the approver must be someone other than the author of the commits that brought the AI lines in (their commit signatures where present, else the recorded author identity).'),
    signatures: z
      .enum(['required', 'optional'])
      .optional()
      .describe('For `require-approval`: `required` counts only reviews signed with an SSH key listed in `allowedSigners` (`airlock review approve` signs with git\'s `user.signingkey` when `gpg.format=ssh`); `optional` (default) also counts unsigned reviews, but a signature that is present must verify.'),
    allowedSigners: z
      .string()
      .min(1)
      .optional()
      .describe('For `require-approval`: the allowed signers file (the format of ssh-keygen / git `gpg.ssh.allowedSignersFile`), repository-relative or absolute. `check --range A..B` reads a repository-relative file from A, never from the change under review.'),
    disclosure: z
      .enum(['Assisted-by', 'Co-authored-by'])
      .optional()
      .describe('Commits that bring AI-written lines under these paths must carry this trailer (`Assisted-by: <tool>:<model>` or `Co-authored-by:`); checked by `check --range`, added by the `prepare-commit-msg` hook of `airlock hooks install`.'),
    message: z.string().max(500).optional().describe('What the engineer sees.'),
  })
  .describe('A review rule for AI-written code.');

export const testSegmentSchema = z.strictObject({
  id: z.string().optional().describe('Segment id (default `segments[i]`).'),
  role: segmentRole,
  text: z.string().describe('Segment text.'),
  path: z.string().optional().describe('File path when the segment is a file.'),
});

export const testRequestSchema = z
  .strictObject({
    destination: z.string().min(1).describe('Destination URL.'),
    text: z.string().optional().describe('Shorthand for one `user` segment with this text.'),
    segments: z.array(testSegmentSchema).optional().describe('Request segments.'),
    attachments: z
      .array(z.strictObject({ mediaType: z.string().optional().describe('Declared media type.'), bytes: z.number().int().min(0).optional().describe('Size in bytes.') }))
      .optional()
      .describe('Opaque binary attachments the request carries.'),
    referencedPaths: z.array(z.string()).optional().describe('Paths the request references.'),
    protectedFiles: z
      .array(
        z.strictObject({
          path: z.string().min(1).describe('Workspace-relative path of the protected file.'),
          text: z.string().describe('Its content (fingerprinted for the test, never sent anywhere).'),
        }),
      )
      .optional()
      .describe('Protected files to fingerprint for this test, as if they were in the workspace (the engine then finds copies of them).'),
    assistant: z.string().optional().describe('Assistant id.'),
  })
  .describe('An example outgoing request.');

export const agentSettingsSchema = z
  .strictObject({
    destination: z
      .string()
      .url()
      .describe(
        'Where this agent sends what it reads and is told: the model endpoint its hooks decide for (e.g. `https://llm.acme.internal/v1/messages`). Default: the agent\'s public API. A higher layer\'s setting wins.',
      ),
  })
  .describe('How Airlock\'s hooks treat one agent.');

export const policyTestSchema = z
  .strictObject({
    name: z.string().min(1).describe('What the case shows.'),
    request: testRequestSchema.optional(),
    reviewPath: z.string().optional().describe('Instead of a request: a workspace path whose review requirement is checked.'),
    expect: z
      .strictObject({
        action: egressAction.optional().describe('Expected verdict action.'),
        rules: z.array(z.string()).optional().describe('Rule ids that must appear among the findings.'),
        detectors: z.array(z.string()).optional().describe('Detector ids that must appear among the findings.'),
        review: z
          .enum(['forbidden', 'require-approval', 'none'])
          .optional()
          .describe('For `reviewPath`: the expected requirement.'),
      })
      .describe('What the verdict must be.'),
  })
  .describe('An example with its expected verdict, run by `airlock policy test`.');

const proxyHost = z
  .string()
  .regex(/^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/, 'a lower-case host name, or `*.` followed by one (every name below it)');

export const proxySchema = z
  .strictObject({
    inspect: z
      .array(proxyHost)
      .optional()
      .describe(
        'More AI hosts whose HTTPS traffic proxy mode decrypts and inspects, on top of the built-in list (api.openai.com, chatgpt.com, api.anthropic.com, generativelanguage.googleapis.com, api.githubcopilot.com, `*.githubcopilot.com`, `*.openai.azure.com`, …). The local CA is name-constrained to these hosts when it is created.',
      ),
    otherHosts: z
      .enum(['tunnel', 'block'])
      .optional()
      .describe('What proxy mode does with hosts it does not inspect: `tunnel` (default) passes the encrypted bytes on untouched; `block` refuses the CONNECT. `block` in any layer wins.'),
    tunnel: z
      .array(proxyHost)
      .optional()
      .describe('Hosts tunnelled even when `otherHosts` is `block` (e.g. `api.github.com` for Copilot sign-in). Applies to this layer only: a host must be allowed by every layer.'),
  })
  .describe('Proxy mode (HTTPS_PROXY pointing at the gateway): which hosts are inspected and what happens to the rest.');

export const auditSchema = z
  .strictObject({
    otlp: z
      .strictObject({
        endpoint: z
          .string()
          .regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL of the collector\'s logs endpoint, e.g. https://otel.acme.internal:4318/v1/logs')
          .describe('OTLP/HTTP logs endpoint of the company\'s OpenTelemetry Collector (usually ending in `/v1/logs`).'),
        protocol: z.enum(['http/protobuf', 'http/json']).optional().describe('OTLP/HTTP encoding (default `http/protobuf`).'),
        headersFromEnv: z
          .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/))
          .optional()
          .describe('Request headers whose values come from environment variables, e.g. `{ "authorization": "ACME_OTLP_TOKEN" }` (tokens never live in the policy).'),
        maxBufferMB: z.number().min(1).max(1024).optional().describe('Disk buffer while the collector is unreachable (default 32 MB); beyond it the oldest records are dropped and counted.'),
      })
      .optional()
      .describe('Export every decision record (content-free: rule and detector ids, salted hashes, sizes, timing, assistant, destination host) as OpenTelemetry logs.'),
  })
  .describe('Where decision records go besides the local JSONL audit log. Only the highest layer that sets it counts (an org policy decides where audit goes).');

export const policySchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON schema reference, for editors.'),
    name: z.string().optional().describe('Human-readable policy name.'),
    version: z
      .string()
      .max(80)
      .optional()
      .describe('Version of this policy as its authors number it (e.g. `2026.12.1`); shown with the SHA-256 of the policy in force in the Overview and in audit records.'),
    description: z.string().optional().describe('What this policy is for.'),
    extends: z
      .array(z.string().min(1))
      .optional()
      .describe('Policies this one builds on: presets (`airlock:secrets`, `airlock:meta-style`, `airlock:strict`), relative paths or https URLs. Later entries and this file win.'),
    onUnparseable: egressAction.optional().describe('What happens to a request Airlock cannot parse (default `block`).'),
    protected: protectedSchema.optional(),
    detectors: detectorsSchema.optional(),
    destinations: destinationsSchema.optional(),
    attachments: attachmentsSchema.optional(),
    credentials: z
      .record(z.string().min(1), z.array(z.string().min(1)))
      .optional()
      .describe(
        'Per destination group: the detector ids (globs allowed) that recognise the keys its clients send in credential headers, e.g. `{"internal": ["acme-gateway-token"]}`. A key going there that another detector names is another service\'s, judged like any secret; `[]`: the group takes no key a detector names. Unset: only the providers Airlock knows are judged this way.',
      ),
    egress: z.array(egressRuleSchema).optional().describe('Egress rules: what may leave, and where to.'),
    review: z.array(reviewRuleSchema).optional().describe('Review rules for AI-written code.'),
    agents: z
      .record(id, agentSettingsSchema)
      .optional()
      .describe('Per-agent settings for Airlock\'s agent hooks, by agent id (`claude-code`, `codex`, `gemini`, `copilot-cli`, `vscode`, `cursor`, `windsurf`).'),
    proxy: proxySchema.optional(),
    tests: z.array(policyTestSchema).optional().describe('Example requests with expected verdicts.'),
    audit: auditSchema.optional(),
  })
  .describe('An Airlock policy: what may leave for AI assistants, where to, and what AI-written code needs.');

export type PolicyDocument = z.infer<typeof policySchema>;
export type EgressRuleSpec = z.infer<typeof egressRuleSchema>;
export type ReviewRuleSpec = z.infer<typeof reviewRuleSchema>;
export type CustomDetectorSpec = z.infer<typeof customDetectorSchema>;
export type PolicyTestSpec = z.infer<typeof policyTestSchema>;
export type AgentSettingsSpec = z.infer<typeof agentSettingsSchema>;
export type AuditExportSpec = NonNullable<z.infer<typeof auditSchema>['otlp']>;
export type TestRequestSpec = z.infer<typeof testRequestSchema>;
