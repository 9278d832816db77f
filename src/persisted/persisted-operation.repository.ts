import type { Selectable } from 'kysely';
import type { Executor } from '../db/executor.js';
import type { PersistedOperationTable } from '../db/types.js';

export type PersistedOperationRow = Selectable<PersistedOperationTable>;

export interface NewPersistedOperation {
  documentId: string;
  body: string;
  operationName: string | null;
  clientName: string | null;
  registeredBy: string;
}

export async function findPersistedOperation(
  db: Executor,
  documentId: string,
): Promise<PersistedOperationRow | undefined> {
  return db
    .selectFrom('persisted_operation')
    .selectAll()
    .where('document_id', '=', documentId)
    .executeTakeFirst();
}

export async function listPersistedOperations(
  db: Executor,
  filter: { clientName?: string | null; enabled?: boolean | null } = {},
): Promise<PersistedOperationRow[]> {
  let query = db.selectFrom('persisted_operation').selectAll();
  if (filter.clientName != null) query = query.where('client_name', '=', filter.clientName);
  if (filter.enabled != null) query = query.where('enabled', '=', filter.enabled);
  return query.orderBy('registered_at').orderBy('document_id').execute();
}

/**
 * Registers documents; one already registered is enabled again (its body is the same, since
 * the id is its hash) and keeps its first registration's author and time.
 */
export async function upsertPersistedOperations(
  db: Executor,
  operations: readonly NewPersistedOperation[],
): Promise<PersistedOperationRow[]> {
  if (operations.length === 0) return [];
  return db
    .insertInto('persisted_operation')
    .values(
      operations.map((operation) => ({
        document_id: operation.documentId,
        body: operation.body,
        operation_name: operation.operationName,
        client_name: operation.clientName,
        registered_by: operation.registeredBy,
      })),
    )
    .onConflict((oc) =>
      oc.column('document_id').doUpdateSet((eb) => ({
        enabled: true,
        operation_name: eb.fn.coalesce(
          'excluded.operation_name',
          'persisted_operation.operation_name',
        ),
        client_name: eb.fn.coalesce('excluded.client_name', 'persisted_operation.client_name'),
      })),
    )
    .returningAll()
    .execute();
}

export async function setPersistedOperationEnabled(
  db: Executor,
  documentId: string,
  enabled: boolean,
): Promise<PersistedOperationRow | undefined> {
  return db
    .updateTable('persisted_operation')
    .set({ enabled })
    .where('document_id', '=', documentId)
    .returningAll()
    .executeTakeFirst();
}

/** The audit record of a registry change; its entity is named by document id, not a number. */
export async function auditPersistedOperation(
  db: Executor,
  entry: {
    actorName: string;
    apiKeyId: number | null;
    requestId: string | null;
    action: string;
    after: PersistedOperationRow;
  },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_name: entry.actorName,
      api_key_id: entry.apiKeyId,
      request_id: entry.requestId,
      action: entry.action,
      entity_type: 'PersistedOperation',
      entity_id: null,
      before: null,
      after: JSON.stringify(entry.after),
    })
    .execute();
}
