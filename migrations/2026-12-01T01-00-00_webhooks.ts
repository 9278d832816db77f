import { sql, type Kysely } from 'kysely';

// Frozen: signed webhooks (Standard Webhooks, https://www.standardwebhooks.com/) fed by the
// change table. Each endpoint keeps its own cursor into `change` (its outbox position); the
// worker turns changes past it into deliveries, in one transaction with moving the cursor, and
// then claims due deliveries with FOR UPDATE SKIP LOCKED, so instances never share an attempt.
// The secret is kept as issued (`whsec_` + base64): signing needs the key itself, not a hash.

const EVENT_TYPES = ['briefing', 'claim', 'source', 'actor', 'actor_relationship'].flatMap(
  (type) => [`${type}.upsert`, `${type}.tombstone`],
);
const eventList = EVENT_TYPES.map((type) => `'${type}'`).join(', ');

const upStatements = [
  `create table webhook_endpoint (
    id bigint generated always as identity primary key,
    -- http(s) only, and no credentials in the authority (they would end up in logs).
    url text not null
      check (url ~ '^https?://[^/?#@]+' and url !~ '^[a-z]+://[^/?#]*@' and length(url) <= 2000),
    events text[] not null check (cardinality(events) >= 1 and events <@ array[${eventList}]),
    secret text not null check (secret ~ '^whsec_[A-Za-z0-9+/]{32,}={0,2}$'),
    api_key_id bigint not null references api_key (id),
    enabled boolean not null default true,
    disabled_reason text,
    cursor bigint not null default 0 check (cursor >= 0),
    created_by text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (enabled = (disabled_reason is null))
  )`,
  `create index webhook_endpoint_api_key_idx on webhook_endpoint (api_key_id)`,
  `create table webhook_delivery (
    id bigint generated always as identity primary key,
    endpoint_id bigint not null references webhook_endpoint (id) on delete cascade,
    change_id bigint not null,
    message_id text not null unique
      default ('msg_' || replace(gen_random_uuid()::text, '-', '')),
    event_type text not null check (event_type in (${eventList})),
    entity_type text not null check (entity_type in
      ('Briefing', 'Claim', 'Source', 'Actor', 'ActorRelationship')),
    entity_id bigint not null,
    occurred_at timestamptz not null,
    status text not null default 'PENDING'
      check (status in ('PENDING', 'DELIVERED', 'WITHHELD', 'DEAD')),
    attempts integer not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz not null default now(),
    last_attempt_at timestamptz,
    last_response_status integer check (last_response_status between 100 and 599),
    last_error text,
    created_at timestamptz not null default now(),
    finished_at timestamptz,
    unique (endpoint_id, change_id),
    check ((status = 'PENDING') = (finished_at is null))
  )`,
  // What the worker claims next: due pending deliveries, oldest first.
  `create index webhook_delivery_due_idx on webhook_delivery (next_attempt_at, id)
     where status = 'PENDING'`,
];

const downStatements = [`drop table webhook_delivery`, `drop table webhook_endpoint`];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
