import { builder } from '../builder.js';
import { cappedList, LIST_CAPS } from '../common/list-caps.js';
import { encodeGlobalId, requireIdOf } from '../common/global-id.js';
import { badInput } from '../errors/bad-input.js';
import type { Context } from '../context.js';
import {
  WEBHOOK_EVENT_TYPES,
  type WebhookDeliveryStatus,
  type WebhookEventType,
} from '../db/types.js';
import { secretHint } from './webhook-signature.js';
import {
  findWebhookDeliveriesByIds,
  findWebhookEndpointsByIds,
  listWebhookDeliveries,
  listWebhookEndpoints,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from './webhook.repository.js';

// Admin-only types: partner endpoints and their deliveries (README "For partners", "Signed
// webhooks"). For anyone else every id loads as null.

const isAdmin = (ctx: Context) => ctx.viewer.kind === 'api-key' && ctx.viewer.role === 'admin';

const EVENT_DESCRIPTIONS: Record<string, string> = {
  upsert: 'now visible to the endpoint’s key: created, changed, or visible again',
  tombstone: 'deleted, or no longer visible to the endpoint’s key (its key could see it before)',
};

export const WebhookEventEnum = builder.enumType('WebhookEvent', {
  description:
    'What a delivery announces: a record type of the change feed, and UPSERT or TOMBSTONE as `changes` reports them. On the wire, the lower-case name with a dot (`claim.upsert`).',
  values: Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => {
      const [record = '', kind = ''] = type.split('.');
      return [
        type.replace('.', '_').toUpperCase(),
        { value: type, description: `A ${record.replace('_', ' ')} ${EVENT_DESCRIPTIONS[kind]}.` },
      ];
    }),
  ) as Record<string, { value: WebhookEventType; description: string }>,
});

export const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  description: 'Where a delivery stands.',
  values: {
    PENDING: {
      value: 'PENDING',
      description: 'Due now or waiting for its next attempt (exponential backoff with jitter).',
    },
    DELIVERED: { value: 'DELIVERED', description: 'The endpoint answered 2xx.' },
    WITHHELD: {
      value: 'WITHHELD',
      description:
        'Not sent: by the time it was due, the endpoint’s key could no longer see the record (a later change tells the endpoint).',
    },
    DEAD: {
      value: 'DEAD',
      description: 'Every attempt failed: dead-lettered until an admin replays it.',
    },
  } as const satisfies Record<
    WebhookDeliveryStatus,
    { value: WebhookDeliveryStatus; description: string }
  >,
});

export const WebhookEndpointRef = builder.loadableObjectRef<WebhookEndpointRow, number>(
  'WebhookEndpoint',
  {
    load: async (ids, ctx) => (isAdmin(ctx) ? findWebhookEndpointsByIds(ctx.db, ids) : []),
    sort: (row) => row.id,
  },
);

WebhookEndpointRef.implement({
  description:
    'A partner’s webhook endpoint. Deliveries are signed with its secret, which is shown once (when registered or rotated) and never again.',
  fields: (t) => ({
    id: t.id({
      description: 'The endpoint’s global id.',
      resolve: (row) => encodeGlobalId('WebhookEndpoint', row.id),
    }),
    url: t.exposeString('url', { description: 'Where deliveries are POSTed.' }),
    events: t.field({
      type: [WebhookEventEnum],
      description: `The events it receives (at most ${LIST_CAPS.webhookEvents}).`,
      ...cappedList(LIST_CAPS.webhookEvents),
      resolve: (row) => row.events,
    }),
    enabled: t.exposeBoolean('enabled', {
      description: 'Whether deliveries are sent; while disabled they wait.',
    }),
    disabledReason: t.exposeString('disabled_reason', {
      nullable: true,
      description: 'Why it is disabled (an admin, or the endpoint answered 410); null if enabled.',
    }),
    apiKeyId: t.id({
      description:
        'The API key whose role and clearance decide what the endpoint hears of, at each delivery. While it is revoked or expired, deliveries wait.',
      resolve: (row) => encodeGlobalId('ApiKey', row.api_key_id),
    }),
    secretHint: t.string({
      description: 'The first characters of the signing secret, to tell which one is current.',
      resolve: (row) => secretHint(row.secret),
    }),
    previousSecretUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'Until when deliveries are also signed with the secret the last rotation replaced; null when only the current secret signs.',
      resolve: (row) =>
        row.previous_secret_until && row.previous_secret_until > new Date()
          ? row.previous_secret_until
          : null,
    }),
    createdBy: t.exposeString('created_by', { description: 'Who registered it.' }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was registered.',
      resolve: (row) => row.created_at,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      description: 'When it last changed.',
      resolve: (row) => row.updated_at,
    }),
  }),
});

export const WebhookDeliveryRef = builder.loadableObjectRef<WebhookDeliveryRow, number>(
  'WebhookDelivery',
  {
    load: async (ids, ctx) => (isAdmin(ctx) ? findWebhookDeliveriesByIds(ctx.db, ids) : []),
    sort: (row) => row.id,
  },
);

WebhookDeliveryRef.implement({
  description: 'One event for one endpoint, and how its attempts went.',
  fields: (t) => ({
    id: t.id({
      description: 'The delivery’s global id.',
      resolve: (row) => encodeGlobalId('WebhookDelivery', row.id),
    }),
    endpointId: t.id({
      description: 'The endpoint’s global id.',
      resolve: (row) => encodeGlobalId('WebhookEndpoint', row.endpoint_id),
    }),
    webhookId: t.exposeString('message_id', {
      description:
        'The `webhook-id` header: the same on every attempt, for receivers to de-duplicate.',
    }),
    event: t.field({
      type: WebhookEventEnum,
      description: 'What it announces.',
      resolve: (row) => row.event_type,
    }),
    recordId: t.id({
      description: 'The global id of the record it names.',
      resolve: (row) => encodeGlobalId(row.entity_type, row.entity_id),
    }),
    status: t.field({
      type: WebhookDeliveryStatusEnum,
      description: 'Where it stands.',
      resolve: (row) => row.status,
    }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made so far.' }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it is next tried; null once it is no longer pending.',
      resolve: (row) => (row.status === 'PENDING' ? row.next_attempt_at : null),
    }),
    lastResponseStatus: t.exposeInt('last_response_status', {
      nullable: true,
      description: 'The HTTP status of the last answer; null if none came.',
    }),
    lastError: t.exposeString('last_error', {
      nullable: true,
      description: 'Why the last attempt failed; null if it did not.',
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the change became this delivery.',
      resolve: (row) => row.created_at,
    }),
    finishedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was delivered, withheld or dead-lettered; null while pending.',
      resolve: (row) => row.finished_at,
    }),
  }),
});

builder.queryFields((t) => ({
  webhookEndpoints: t.field({
    type: [WebhookEndpointRef],
    description: `Partner webhook endpoints, oldest first (admins only; at most ${LIST_CAPS.webhookEndpoints}).`,
    authScopes: { admin: true },
    ...cappedList(LIST_CAPS.webhookEndpoints),
    resolve: (_root, _args, ctx) => listWebhookEndpoints(ctx.db, LIST_CAPS.webhookEndpoints),
  }),
  webhookDeliveries: t.field({
    type: [WebhookDeliveryRef],
    description: `One endpoint’s deliveries, newest first (admins only; at most ${LIST_CAPS.webhookDeliveries}).`,
    authScopes: { admin: true },
    ...cappedList(LIST_CAPS.webhookDeliveries),
    args: {
      endpointId: t.arg.id({ required: true, description: 'The endpoint’s global id.' }),
      status: t.arg({
        type: WebhookDeliveryStatusEnum,
        description: 'Only deliveries in this status (DEAD: the dead letters); omitted: every one.',
      }),
      first: t.arg.int({
        description: `How many (default and at most ${LIST_CAPS.webhookDeliveries}).`,
      }),
    },
    resolve: (_root, args, ctx) => {
      const first = args.first ?? LIST_CAPS.webhookDeliveries;
      if (first < 0 || first > LIST_CAPS.webhookDeliveries) {
        throw badInput(
          `expected first between 0 and ${LIST_CAPS.webhookDeliveries}, got ${first}`,
          'BAD_USER_INPUT',
          'first',
        );
      }
      const endpointId = requireIdOf(args.endpointId, 'WebhookEndpoint', 'endpointId');
      return listWebhookDeliveries(ctx.db, endpointId, args.status ?? null, first);
    },
  }),
}));
