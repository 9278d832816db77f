import { builder } from '../builder.js';
import { writeInput } from '../mutations/write-field.js';
import { LIST_CAPS } from '../common/list-caps.js';
import type { WebhookEventType } from '../db/types.js';
import { ConflictError, NotFoundError } from '../errors/domain-errors.js';
import { commandOf, Issues, parsed, parseIdArgument } from '../mutations/validate.js';
import { runWrite, type Write } from '../mutations/write.js';
import type { Context } from '../context.js';
import { newWebhookSecret } from './webhook-signature.js';
import { webhookUrlProblem } from './webhook-url.js';
import {
  findWebhookDeliveriesByIds,
  findWebhookEndpointsByIds,
  insertWebhookEndpoint,
  isActiveApiKey,
  requeueDeadDelivery,
  updateWebhookEndpoint,
  type WebhookEndpointRow,
} from './webhook.repository.js';
import { WebhookDeliveryRef, WebhookEndpointRef, WebhookEventEnum } from './webhook.schema.js';

/** What the audit log keeps of an endpoint: everything but its secret. */
/** The secrets, current and rotated out, never reach the audit log. */
const SECRET_COLUMNS: ReadonlySet<string> = new Set(['secret', 'previous_secret']);

function withoutSecret(
  row: WebhookEndpointRow,
): Omit<WebhookEndpointRow, 'secret' | 'previous_secret'> {
  return Object.fromEntries(
    Object.entries(row).filter(([column]) => !SECRET_COLUMNS.has(column)),
  ) as Omit<WebhookEndpointRow, 'secret' | 'previous_secret'>;
}

const WebhookSecretRef = builder
  .objectRef<{ secret: string; id: number }>('WebhookEndpointSecret')
  .implement({
    description:
      'An endpoint with its new signing secret: store `secret` now, it cannot be shown again.',
    fields: (t) => ({
      secret: t.exposeString('secret', {
        description:
          'The signing secret, `whsec_` + base64 (Standard Webhooks): verify each delivery’s `webhook-signature` with it.',
      }),
      endpoint: t.field({
        type: WebhookEndpointRef,
        description: 'The endpoint’s record (never its secret).',
        resolve: (created) => created.id,
      }),
    }),
  });

const RegisterWebhookEndpointInput = builder.inputType('RegisterWebhookEndpointInput', {
  description: 'A partner endpoint.',
  fields: (t) => ({
    url: t.string({
      required: true,
      description:
        'An http or https URL without credentials; outside closed networks, a public address (SSRF).',
    }),
    events: t.field({
      type: [WebhookEventEnum],
      required: true,
      description: `The events to send (1 to ${LIST_CAPS.webhookEvents}).`,
    }),
    apiKeyId: t.id({
      required: true,
      description:
        'The global id of the API key whose visibility applies (usually the partner’s key): the endpoint hears only of what that key may see at each delivery.',
    }),
  }),
});

const UpdateWebhookEndpointInput = builder.inputType('UpdateWebhookEndpointInput', {
  description: 'Changes to an endpoint; omitted fields stay as they are.',
  fields: (t) => ({
    url: t.string({ description: 'A new URL, under the same rules as at registration.' }),
    events: t.field({
      type: [WebhookEventEnum],
      description: `A new set of events (1 to ${LIST_CAPS.webhookEvents}).`,
    }),
    enabled: t.boolean({
      description:
        'true sends again (after a 410 too), false pauses: deliveries wait, none is lost.',
    }),
  }),
});

function checkUrl(issues: Issues, ctx: Context, path: string[], url: string): string {
  const problem = webhookUrlProblem(url, ctx.config.webhooks.allowPrivateAddresses);
  if (problem) issues.add(path, problem);
  return url;
}

function checkEvents(issues: Issues, path: string[], events: WebhookEventType[]) {
  const unique = [...new Set(events)];
  if (unique.length === 0) issues.add(path, 'expected at least one event, got none');
  return unique;
}

/** Runs `change` on the endpoint `id` names, audited; NotFoundError when there is none. */
async function changeEndpoint(
  write: Write,
  id: number,
  globalId: string,
  action: string,
  change: (before: WebhookEndpointRow) => Promise<WebhookEndpointRow | undefined>,
): Promise<number> {
  const [before] = await findWebhookEndpointsByIds(write.trx, [id]);
  const after = before && (await change(before));
  if (!before || !after) throw new NotFoundError('WebhookEndpoint', globalId, ['id']);
  await write.audit({
    action,
    entityType: 'WebhookEndpoint',
    entityId: id,
    before: withoutSecret(before),
    after: withoutSecret(after),
  });
  return id;
}

const ENDPOINT_RESULT = {
  dataField: { name: 'endpoint', description: 'The endpoint as it stands after the write.' },
};
const SECRET_RESULT = {
  dataField: {
    name: 'registered',
    description: 'The endpoint, with its secret (shown this once).',
  },
};

builder.mutationFields((t) => ({
  registerWebhookEndpoint: t.field({
    type: WebhookSecretRef,
    description:
      'Registers a partner endpoint (admins only). It receives the changes committed from now on, signed with the secret in the result, shown once.',
    authScopes: { admin: true },
    errors: SECRET_RESULT,
    args: {
      ...writeInput(RegisterWebhookEndpointInput),
    },
    resolve: async (_root, { input }, ctx) => {
      const secret = newWebhookSecret();
      const id = await runWrite(
        ctx,
        { operation: 'registerWebhookEndpoint', role: 'admin', input },
        async ({ trx, audit, viewer }) => {
          const issues = new Issues();
          const url = checkUrl(issues, ctx, ['input', 'url'], input.url);
          const events = checkEvents(issues, ['input', 'events'], input.events);
          const decodedApiKeyId = issues.id(['input', 'apiKeyId'], input.apiKeyId, 'ApiKey');
          if (decodedApiKeyId !== undefined && !(await isActiveApiKey(trx, decodedApiKeyId)))
            issues.add(['input', 'apiKeyId'], `expected an active API key, got ${input.apiKeyId}`);
          const apiKeyId = commandOf(parsed(issues, decodedApiKeyId, {}));
          const row = await insertWebhookEndpoint(trx, {
            url,
            events,
            secret,
            apiKeyId,
            createdBy: viewer.name,
          });
          await audit({
            action: 'webhook-endpoint.register',
            entityType: 'WebhookEndpoint',
            entityId: row.id,
            before: null,
            after: withoutSecret(row),
          });
          return row.id;
        },
      );
      return { secret, id };
    },
  }),
  updateWebhookEndpoint: t.field({
    type: WebhookEndpointRef,
    description: 'Changes an endpoint’s URL or events, or enables or pauses it (admins only).',
    authScopes: { admin: true },
    errors: ENDPOINT_RESULT,
    args: {
      id: t.arg.id({ required: true, description: 'The endpoint’s global id.' }),
      input: t.arg({
        type: UpdateWebhookEndpointInput,
        required: true,
        description: 'The changes; every problem comes back in a ValidationError.',
      }),
    },
    resolve: (_root, { id, input }, ctx) =>
      runWrite(
        ctx,
        { operation: 'updateWebhookEndpoint', role: 'admin', input: { id, input } },
        async (write) => {
          const issues = new Issues();
          const decodedEndpointId = issues.id(['id'], id, 'WebhookEndpoint');
          const url =
            input.url == null ? undefined : checkUrl(issues, ctx, ['input', 'url'], input.url);
          const events =
            input.events == null
              ? undefined
              : checkEvents(issues, ['input', 'events'], input.events);
          const endpointId = commandOf(parsed(issues, decodedEndpointId, {}));
          return changeEndpoint(write, endpointId, id, 'webhook-endpoint.update', () =>
            updateWebhookEndpoint(write.trx, endpointId, {
              url,
              events,
              ...(input.enabled != null && {
                disabledReason: input.enabled ? null : `paused by ${write.viewer.name}`,
              }),
            }),
          );
        },
      ),
  }),
  disableWebhookEndpoint: t.field({
    type: WebhookEndpointRef,
    description:
      'Stops deliveries to an endpoint at once (admins only); they wait, and resume when it is enabled again.',
    authScopes: { admin: true },
    errors: ENDPOINT_RESULT,
    args: { id: t.arg.id({ required: true, description: 'The endpoint’s global id.' }) },
    resolve: (_root, { id }, ctx) =>
      runWrite(
        ctx,
        { operation: 'disableWebhookEndpoint', role: 'admin', input: { id } },
        async (write) => {
          const endpointId = commandOf(parseIdArgument(id, 'WebhookEndpoint')).id;
          return changeEndpoint(write, endpointId, id, 'webhook-endpoint.disable', () =>
            updateWebhookEndpoint(write.trx, endpointId, {
              disabledReason: `disabled by ${write.viewer.name}`,
            }),
          );
        },
      ),
  }),
  rotateWebhookEndpointSecret: t.field({
    type: WebhookSecretRef,
    description:
      'Replaces an endpoint’s signing secret (admins only), returned here once: every attempt from now on, retries included, is signed with the new one and, for WEBHOOK_SECRET_GRACE_SECONDS (a day by default; `previousSecretUntil` says until when), also with the one it replaces, so the receiver can switch over without refusing deliveries. Rotating again within that time drops the older one at once.',
    authScopes: { admin: true },
    errors: SECRET_RESULT,
    args: { id: t.arg.id({ required: true, description: 'The endpoint’s global id.' }) },
    resolve: async (_root, { id }, ctx) => {
      const secret = newWebhookSecret();
      const endpointId = await runWrite(
        ctx,
        { operation: 'rotateWebhookEndpointSecret', role: 'admin', input: { id } },
        async (write) => {
          const endpointId = commandOf(parseIdArgument(id, 'WebhookEndpoint')).id;
          return changeEndpoint(write, endpointId, id, 'webhook-endpoint.rotate-secret', () =>
            updateWebhookEndpoint(write.trx, endpointId, {
              rotate: { secret, graceSeconds: ctx.config.webhooks.secretGraceSeconds },
            }),
          );
        },
      );
      return { secret, id: endpointId };
    },
  }),
  replayWebhookDelivery: t.field({
    type: WebhookDeliveryRef,
    description:
      'Sends a dead-lettered delivery again (admins only): due at once, with the same `webhook-id` and a fresh count of attempts.',
    authScopes: { admin: true },
    errors: {
      dataField: { name: 'delivery', description: 'The delivery, pending again.' },
    },
    args: { id: t.arg.id({ required: true, description: 'The delivery’s global id.' }) },
    resolve: (_root, { id }, ctx) =>
      runWrite(
        ctx,
        { operation: 'replayWebhookDelivery', role: 'admin', input: { id } },
        async ({ trx, audit }) => {
          const deliveryId = commandOf(parseIdArgument(id, 'WebhookDelivery')).id;
          const [before] = await findWebhookDeliveriesByIds(trx, [deliveryId]);
          if (!before) throw new NotFoundError('WebhookDelivery', id, ['id']);
          const after = await requeueDeadDelivery(trx, deliveryId);
          if (!after)
            throw new ConflictError(`expected a DEAD delivery to replay, got ${before.status}`);
          await audit({
            action: 'webhook-delivery.replay',
            entityType: 'WebhookDelivery',
            entityId: deliveryId,
            before,
            after,
          });
          return deliveryId;
        },
      ),
  }),
}));
