// The raw floor: node:http + pg, one hand-written statement per query that builds the whole
// response as JSON inside PostgreSQL (json aggregation, per-parent limits with LATERAL). It
// answers only the benchmark's documents (matched by their exact text), in our API's shape and
// with our visibility rules (anonymous: published TLP:CLEAR only).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { QUERIES } from '../lib/queries.ts';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('DATABASE_URL is required');
const port = Number(process.env.PORT ?? 5679);
const pool = new pg.Pool({ connectionString, max: Number(process.env.DATABASE_POOL_MAX ?? 10) });
pool.on('error', (error) => console.error('idle client error', error.message));

const MARKINGS = ['CLEAR'];
const STATUSES = ['PUBLISHED'];

interface Statement {
  name: string;
  text: string;
  values: unknown[];
}

function databaseId(globalId: unknown, typename: string): number {
  const decoded = Buffer.from(String(globalId), 'base64url').toString('utf8');
  const [type, id] = decoded.split(':');
  if (type !== typename || !id || !/^[1-9][0-9]*$/.test(id)) return -1;
  return Number(id);
}

const Q1_SQL = `
select json_build_object('data', json_build_object('briefings', json_build_object('edges',
  coalesce(json_agg(json_build_object('node', json_build_object('title', b.title, 'claims',
    json_build_object('edges', cl.edges))) order by b.sort_key desc, b.id desc), '[]'::json))))::text as body
from (
  select id, title, coalesce(published_at, '-infinity'::timestamptz) as sort_key from briefing
  where marking = any($1) and status = any($2)
  order by coalesce(published_at, '-infinity'::timestamptz) desc, id desc limit $3
) b
cross join lateral (
  select coalesce(json_agg(json_build_object('node', json_build_object('statement', c.statement,
    'citations', cit.list, 'objects', obj.list)) order by c.position, c.id), '[]'::json) as edges
  from (
    select id, statement, position from claim
    where briefing_id = b.id and marking = any($1)
    order by position, id limit $4
  ) c
  cross join lateral (
    select coalesce(json_agg(json_build_object('source', json_build_object('title', s.title))
      order by ci.position), '[]'::json) as list
    from citation ci join source s on s.id = ci.source_id
    where ci.claim_id = c.id and s.marking = any($1)
  ) cit
  cross join lateral (
    select coalesce(json_agg(json_build_object('name', a.name) order by co.position), '[]'::json) as list
    from claim_object co join actor a on a.id = co.actor_id
    where co.claim_id = c.id and a.marking = any($1)
  ) obj
) cl`;

const Q2_SQL = `
select json_build_object('data', json_build_object('actor', (
  select json_build_object('name', root.name, 'relationships', json_build_object('edges', hop1.edges))
  from actor root
  cross join lateral (
    select coalesce(json_agg(json_build_object('node', json_build_object('type', r1.type,
      'to', json_build_object('name', r1.to_name, 'relationships', json_build_object('edges', hop2.edges))))
      order by r1.type, r1.id), '[]'::json) as edges
    from (
      select ar.id, ar.type, t.id as to_id, t.name as to_name
      from actor_relationship ar join actor t on t.id = ar.to_actor_id
      where ar.from_actor_id = root.id and ar.marking = any($2) and t.marking = any($2)
      order by ar.type, ar.id limit 10
    ) r1
    cross join lateral (
      select coalesce(json_agg(json_build_object('node', json_build_object('type', r2.type,
        'to', json_build_object('name', r2.to_name))) order by r2.type, r2.id), '[]'::json) as edges
      from (
        select ar.id, ar.type, t.name as to_name
        from actor_relationship ar join actor t on t.id = ar.to_actor_id
        where ar.from_actor_id = r1.to_id and ar.marking = any($2) and t.marking = any($2)
        order by ar.type, ar.id limit 10
      ) r2
    ) hop2
  ) hop1
  where root.id = $1 and root.marking = any($2)
)))::text as body`;

const Q3_SQL = `
select json_build_object('data', json_build_object('node', (
  select json_build_object('title', b.title, 'summary', b.summary,
    'publishedAt', to_char(b.published_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'claims', json_build_object('edges', (
      select coalesce(json_agg(json_build_object('node', json_build_object('statement', c.statement,
        'predicate', c.predicate, 'confidence', c.confidence, 'status', c.status))
        order by c.position, c.id), '[]'::json)
      from (
        select id, position, statement, predicate, confidence, status from claim
        where briefing_id = b.id and marking = any($2)
        order by position, id limit 50
      ) c)))
  from briefing b
  where b.id = $1 and b.marking = any($2) and b.status = any($3)
)))::text as body`;

type Handler = (variables: Record<string, unknown>) => Statement | string;

// Documents are taken from the benchmark's own query list (the `ours` family), so the raw
// floor answers exactly what the other peers are sent.
const fake = { q2ActorId: 1, q3BriefingId: 1 } as never;
const doc = (id: string) => QUERIES.find((q) => q.id === id)?.request('ours', fake).query ?? '';
const handlers = new Map<string, Handler>([
  [doc('Q0'), () => '{"data":{"__typename":"Query"}}'],
  [doc('Q1'), () => ({ name: 'q1', text: Q1_SQL, values: [MARKINGS, STATUSES, 20, 10] })],
  [doc('Q1x2'), () => ({ name: 'q1', text: Q1_SQL, values: [MARKINGS, STATUSES, 40, 20] })],
  [doc('Q2'), (v) => ({ name: 'q2', text: Q2_SQL, values: [databaseId(v.id, 'Actor'), MARKINGS] })],
  [
    doc('Q3'),
    (v) => ({
      name: 'q3',
      text: Q3_SQL,
      values: [databaseId(v.id, 'Briefing'), MARKINGS, STATUSES],
    }),
  ],
]);

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/graphql') {
    send(res, 404, '{"errors":[{"message":"not found"}]}');
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
    query?: string;
    variables?: Record<string, unknown>;
  };
  const handler = handlers.get(request.query ?? '');
  if (!handler) {
    send(res, 400, '{"errors":[{"message":"the raw floor only answers the benchmark queries"}]}');
    return;
  }
  const statement = handler(request.variables ?? {});
  if (typeof statement === 'string') {
    send(res, 200, statement);
    return;
  }
  const result = await pool.query<{ body: string }>(statement);
  send(res, 200, result.rows[0]?.body ?? '{"data":null}');
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    console.error(error);
    send(res, 500, JSON.stringify({ errors: [{ message: String(error) }] }));
  });
});
server.listen(port, '127.0.0.1', () => console.error(`raw floor listening on ${port}`));
const stop = () => {
  server.close();
  void pool.end().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
