import { builder, connectionOf } from '../builder.js';
import { emptyPage, pageWindow, toPage, NESTED_LIST } from '../common/connection.js';
import { decodeGlobalId, encodeGlobalId } from '../common/global-id.js';
import { loadPagesPerParent } from '../common/nested-connection.js';
import { badInput } from '../errors/bad-input.js';
import { BriefingRef } from '../refs.js';
import {
  AUDIT_ORDERING,
  countAudit,
  findAuditPage,
  HISTORY_ORDERING,
  countHistoryPerBriefing,
  findHistoryPagePerBriefing,
  type AuditRow,
} from './audit.repository.js';

const AuditEntryRef = builder.objectRef<AuditRow>('AuditEntry').implement({
  description:
    'One successful write: who, when, what, and the record before and after. The log is append-only.',
  fields: (t) => ({
    id: t.id({
      description: 'Opaque id of the entry.',
      resolve: (e) => encodeGlobalId('AuditEntry', e.id),
    }),
    at: t.field({
      type: 'DateTime',
      description: 'When the write committed its transaction’s work.',
      resolve: (e) => e.at,
    }),
    actorName: t.string({
      description: 'Name of the API key that wrote (or `seed`).',
      resolve: (e) => e.actor_name,
    }),
    action: t.exposeString('action', {
      description: 'What was done, e.g. `claim.update`, `actor.merge`.',
    }),
    entityType: t.string({
      description: 'Which kind of record, e.g. `Claim`.',
      resolve: (e) => e.entity_type,
    }),
    entityId: t.id({
      nullable: true,
      description: 'Global id of the record written (fetch it with `node(id:)`).',
      resolve: (e) => (e.entity_id === null ? null : encodeGlobalId(e.entity_type, e.entity_id)),
    }),
    before: t.field({
      type: 'JSONObject',
      nullable: true,
      description: 'The record before the write (database columns); null for a creation.',
      resolve: (e) => (e.before as Record<string, unknown> | null) ?? null,
    }),
    after: t.field({
      type: 'JSONObject',
      nullable: true,
      description: 'The record after the write; null for a removal.',
      resolve: (e) => (e.after as Record<string, unknown> | null) ?? null,
    }),
    requestId: t.string({
      nullable: true,
      description: 'The request that wrote, to correlate with logs.',
      resolve: (e) => e.request_id,
    }),
  }),
});

const AuditConnection = connectionOf(
  AuditEntryRef,
  'AuditEntry',
  'A page of audit entries, newest first.',
);

const AuditFilterInput = builder.inputType('AuditFilter', {
  description: 'Narrows the audit log; all given conditions must hold.',
  fields: (t) => ({
    entityId: t.id({ description: 'Only entries about this record (any type of global id).' }),
    entityType: t.string({ description: 'Only entries about this kind of record, e.g. `Claim`.' }),
    actorName: t.string({ description: 'Only writes by this key name.' }),
    action: t.stringList({ description: 'Only these actions, e.g. `["briefing.transition"]`.' }),
    from: t.field({ type: 'DateTime', description: 'At or after this instant.' }),
    to: t.field({ type: 'DateTime', description: 'Before this instant.' }),
  }),
});

builder.queryField('auditLog', (t) =>
  t.field({
    type: AuditConnection,
    description:
      'Every write, newest first (editors and admins). An entry is listed only when every record it names before and after the write (the record, its briefing, actors, cited sources, evidence, merge survivor) that still exists is visible to you and its snapshots are within your clearance; entries naming no record you may see (API keys, persisted operations, records since deleted) are for admins only.',
    authScopes: { editor: true },
    args: {
      ...t.arg.connectionArgs(),
      filter: t.arg({ type: AuditFilterInput, description: 'Only these entries.' }),
    },
    resolve: async (_root, args, ctx) => {
      const input = args.filter;
      const entity = input?.entityId ? decodeGlobalId(input.entityId) : null;
      if (entity && input?.entityType && entity.typename !== input.entityType) {
        throw badInput(
          `expected filter.entityType ${input.entityType} to match the id's type ${entity.typename}`,
          'BAD_USER_INPUT',
          'filter.entityType',
        );
      }
      const filter = {
        entityType: entity?.typename ?? input?.entityType,
        entityId: entity ? Number(entity.id) : null,
        actorName: input?.actorName,
        actions: input?.action,
        from: input?.from,
        to: input?.to,
        includeAdminEntries: ctx.viewer.kind === 'api-key' && ctx.viewer.role === 'admin',
      };
      const window = pageWindow(args, AUDIT_ORDERING);
      const rows = await findAuditPage(ctx.db, ctx.visibility, filter, window);
      return toPage(rows, AUDIT_ORDERING, window, () => countAudit(ctx.db, ctx.visibility, filter));
    },
  }),
);

builder.objectField(BriefingRef, 'history', (t) =>
  t.loadable({
    type: AuditConnection,
    ...NESTED_LIST,
    description:
      'Every write to the briefing and its claims, oldest first (editors and admins; empty for others), under the same rule as `auditLog`: entries naming records hidden from you are left out.',
    authScopes: { editor: true },
    unauthorizedResolver: () => emptyPage<AuditRow>(),
    args: { ...t.arg.connectionArgs() },
    byPath: true,
    resolve: (b) => b.id,
    load: (briefingIds: number[], ctx, args) =>
      loadPagesPerParent(
        briefingIds,
        args,
        HISTORY_ORDERING,
        (window) => findHistoryPagePerBriefing(ctx.db, ctx.visibility, briefingIds, window),
        (ids) => countHistoryPerBriefing(ctx.db, ctx.visibility, ids),
      ),
  }),
);
