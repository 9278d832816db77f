import { builder } from '../builder.js';
import { MarkingEnum } from '../common/enums.js';
import type { Config, DocumentLimits } from '../config.js';
import type { Marking, Role } from '../db/types.js';
import { mayRunAnyOperation, tierOf, type Tier } from '../hardening/policy.js';
import { RoleEnum } from './api-key.schema.js';

/** What the `viewer` query reports: who is calling, and what the server allows that caller. */
interface ViewerInfo {
  role: Role | null;
  clearance: Marking;
  keyName: string | null;
  keyExpiresAt: Date | null;
  mayRunAnyOperation: boolean;
  tier: Tier;
  config: Config;
}

const LimitsRef = builder.objectRef<ViewerInfo>('ViewerLimits').implement({
  description:
    'The limits every request of this caller is held to (README "Limits"); refusals name the limit they hit.',
  fields: (t) => {
    // Each limit a document is held to, for this caller's tier.
    const documentLimit = (description: string, limit: keyof DocumentLimits) =>
      t.float({
        description,
        resolve: (info) =>
          (info.tier === 'trusted' ? info.config.trustedLimits : info.config.restrictedLimits)[
            limit
          ],
      });
    return {
      tier: t.string({
        description: '`restricted` (partners; anonymous callers in production) or `trusted`.',
        resolve: (info) => info.tier,
      }),
      maxDepth: documentLimit('Deepest field nesting a document may have.', 'depth'),
      maxAliases: documentLimit('Most aliased fields a document may have.', 'aliases'),
      maxDirectives: documentLimit('Most directives a document may use.', 'directives'),
      maxTokens: documentLimit('Most lexical tokens a document may have.', 'tokens'),
      maxCost: documentLimit(
        'Highest estimated cost a document may have (COST_LIMIT_EXCEEDED beyond).',
        'cost',
      ),
      maxExpandedFields: documentLimit(
        'Most fields a document may select once its fragments are expanded.',
        'expandedFields',
      ),
      requestsPerWindow: t.int({
        description: 'Requests this key (or, anonymous, this address) may send per window.',
        resolve: (info) =>
          info.role === null ? info.config.rateLimit.anonymous : info.config.rateLimit.keyed,
      }),
      windowSeconds: t.int({
        description: 'Length of the rate-limit window `requestsPerWindow` counts in.',
        resolve: (info) => info.config.rateLimit.windowSeconds,
      }),
      maxBodyBytes: t.int({
        description: 'Largest request body accepted (REQUEST_TOO_LARGE beyond).',
        resolve: (info) => info.config.maxBodyBytes,
      }),
      maxResponseBytes: t.int({
        description: 'Largest response the server will send (RESPONSE_TOO_LARGE beyond).',
        resolve: (info) => info.config.maxResponseBytes,
      }),
    };
  },
});

const ViewerRef = builder.objectRef<ViewerInfo>('Viewer').implement({
  description: 'The caller of this request, as the server sees it.',
  fields: (t) => ({
    role: t.field({
      type: RoleEnum,
      nullable: true,
      description: 'The API key’s role; null without a key (anonymous).',
      resolve: (info) => info.role,
    }),
    clearance: t.field({
      type: MarkingEnum,
      description: 'The highest TLP marking this caller reads.',
      resolve: (info) => info.clearance,
    }),
    keyName: t.string({
      nullable: true,
      description: 'The name the API key was given; null without a key.',
      resolve: (info) => info.keyName,
    }),
    keyExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the key stops working; null without a key or for a key with no expiry.',
      resolve: (info) => info.keyExpiresAt,
    }),
    mayRunAnyOperation: t.boolean({
      description: 'False when this caller may run registered documents only.',
      resolve: (info) => info.mayRunAnyOperation,
    }),
    limits: t.field({
      type: LimitsRef,
      description: 'The limits that apply to this caller’s documents and requests.',
      resolve: (info) => info,
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    description: 'Who is calling (role, clearance, key name and expiry) and the limits that apply.',
    resolve: (_root, _args, ctx) => {
      const { viewer, config } = ctx;
      const keyed = viewer.kind === 'api-key' ? viewer : null;
      return {
        role: keyed?.role ?? null,
        clearance: keyed?.clearance ?? 'CLEAR',
        keyName: keyed?.name ?? null,
        keyExpiresAt: keyed?.expiresAt ?? null,
        mayRunAnyOperation: mayRunAnyOperation(viewer, config),
        tier: tierOf(viewer, config),
        config,
      };
    },
  }),
);
