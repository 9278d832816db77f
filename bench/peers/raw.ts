// The raw floor: node:http + pg, one hand-written statement per query that builds the whole
// response as JSON text inside PostgreSQL (per-parent pages read in index order). It
// answers only the benchmark's documents (matched by their exact text), in our API's shape and
// with our visibility rules (anonymous: published TLP:CLEAR only). Q4, the mutation, is one
// transaction of two statements (see q4).
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import type { DataSummary } from '../lib/data.ts';
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

// How the statements are written (each measured against the statement PostgreSQL logged for
// PostGraphile's answer to the same query, issue 12):
// - The JSON is built as text: `to_json(text)` escapes each string, `||` puts the pieces
//   together, and each list is `array_to_string(array(<ordered, limited subquery>), ',')`, which
//   keeps the subquery's order (`json_agg(… order by …)` sorted every list once more; objects from
//   `json_build_object` measured slower than text).
// - Every list is read in the order of an index, so a page stops after its last row instead of
//   reading and sorting all of a parent's rows.

// Anonymous callers see published briefings only, and those always have a `published_at`
// (constraint `briefing_published_has_date`): our order (`coalesce(published_at, '-infinity')`,
// for undated drafts) is then plain `published_at desc`, which `briefing_published_at_idx` reads
// backwards. (claim_id, position) is unique, so citations in position order are in our
// (position, id) order, and `citation_claim_id_position_key` gives it without a sort.
const Q1_SQL = `
select '{"data":{"briefings":{"edges":[' || array_to_string(array(
  select '{"node":{"title":' || to_json(b.title)::text || ',"claims":{"edges":[' || array_to_string(array(
    select '{"node":{"statement":' || to_json(c.statement)::text || ',"citations":{"edges":['
      || array_to_string(array(
        select '{"node":{"source":{"title":' || to_json(s.title)::text || '}}}'
        from citation ci join source s on s.id = ci.source_id
        where ci.claim_id = c.id and s.marking = any($1)
        order by ci.position limit 5), ',')
      || ']},"objects":[' || array_to_string(array(
        select '{"name":' || to_json(a.name)::text || '}'
        from claim_object co join actor a on a.id = co.actor_id
        where co.claim_id = c.id and a.marking = any($1)
        order by co.position), ',') || ']}}'
    from claim c
    where c.briefing_id = b.id and c.marking = any($1)
    order by c.position, c.id limit $4), ',') || ']}}}'
  from briefing b
  where b.marking = any($1) and b.status = any($2)
  order by b.published_at desc, b.id desc limit $3), ',') || ']}}}' as body`;

// Hubs have thousands of relationships, but a prepared statement's generic plan estimates every
// actor at the average (~10): it then reads all of a hub's relationships and sorts them (the
// floor answered Q2 at half PostGraphile's rate). The range `from_actor_id >= x and <= x`
// (the same rows as `= x`) is estimated larger, and ordering by (from_actor_id, type, id), the
// index's own order, lets the plan read `actor_relationship_from_idx` in order and stop at the
// page's last row.
const Q2_SQL = `
select '{"data":{"actor":' || coalesce((
  select '{"name":' || to_json(root.name)::text || ',"relationships":{"edges":[' || array_to_string(array(
    select '{"node":{"type":' || to_json(r1.type)::text || ',"to":{"name":' || to_json(t1.name)::text
      || ',"relationships":{"edges":[' || array_to_string(array(
        select '{"node":{"type":' || to_json(r2.type)::text || ',"to":{"name":' || to_json(t2.name)::text
          || '}}}'
        from actor_relationship r2 join actor t2 on t2.id = r2.to_actor_id
        where r2.from_actor_id >= t1.id and r2.from_actor_id <= t1.id
          and r2.marking = any($2) and t2.marking = any($2)
        order by r2.from_actor_id, r2.type, r2.id limit 10), ',') || ']}}}}'
    from actor_relationship r1 join actor t1 on t1.id = r1.to_actor_id
    where r1.from_actor_id >= root.id and r1.from_actor_id <= root.id
      and r1.marking = any($2) and t1.marking = any($2)
    order by r1.from_actor_id, r1.type, r1.id limit 10), ',') || ']}}'
  from actor root
  where root.id = $1 and root.marking = any($2)), 'null') || '}}' as body`;

const Q3_SQL = `
select '{"data":{"node":' || coalesce((
  select '{"title":' || to_json(b.title)::text
    || ',"summary":' || coalesce(to_json(b.summary)::text, 'null')
    || ',"publishedAt":' || coalesce(to_json(to_char(b.published_at at time zone 'UTC',
      'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text, 'null')
    || ',"claims":{"edges":[' || array_to_string(array(
      select '{"node":{"statement":' || to_json(c.statement)::text
        || ',"predicate":' || to_json(c.predicate)::text
        || ',"confidence":' || coalesce(c.confidence::text, 'null')
        || ',"status":' || to_json(c.status)::text || '}}'
      from claim c
      where c.briefing_id = b.id and c.marking = any($2)
      order by c.position, c.id limit 50), ',') || ']}}'
  from briefing b
  where b.id = $1 and b.marking = any($2) and b.status = any($3)), 'null') || '}}' as body`;

// ---- Q5: search ----
// Ours' algorithm by hand (migrations/…_search.ts, src/search/search.repository.ts): each
// type's matches the caller may see, the newest $3 of them, ranked with ts_rank_cd; actors also
// by trigram similarity of name and aliases when the words matched fewer than $8; snippets (ts_headline) for the page only. The
// answer is built as text, and the record fields are read in the same statement instead of
// ours' loaders.
const Q5_MATCH = `(
    (d.language in ('english', 'multi') and d.document @@ websearch_to_tsquery('bg_english', $1))
    or (d.language in ('spanish', 'multi') and d.document @@ websearch_to_tsquery('bg_spanish', $1))
    or (d.language in ('russian', 'multi') and d.document @@ websearch_to_tsquery('bg_russian', $1))
    or (d.language = 'simple' and d.document @@ websearch_to_tsquery('bg_simple', $1)))`;
const Q5_QUERY_FOR = (alias: string) => `case ${alias}.language
    when 'english' then websearch_to_tsquery('bg_english', $1)
    when 'spanish' then websearch_to_tsquery('bg_spanish', $1)
    when 'russian' then websearch_to_tsquery('bg_russian', $1)
    when 'simple' then websearch_to_tsquery('bg_simple', $1)
    else websearch_to_tsquery('bg_english', $1)
      || case when websearch_to_tsquery('bg_spanish', $1) = websearch_to_tsquery('bg_english', $1)
        then ''::tsquery else websearch_to_tsquery('bg_spanish', $1) end
      || case when websearch_to_tsquery('bg_russian', $1) in (websearch_to_tsquery('bg_english', $1),
          websearch_to_tsquery('bg_spanish', $1))
        then ''::tsquery else websearch_to_tsquery('bg_russian', $1) end end`;
const Q5_HEADLINE = (
  table: string,
  text: string,
) => `(select ts_headline(search_config(h.language), ${text},
    ${Q5_QUERY_FOR('h')}, $7) from ${table} join ${table}_search h on h.${table}_id = ${table}.id
    where ${table}.id = p.id)`;
const Q5_HTML = (marked: string) =>
  `replace(replace(replace(replace(replace(replace(replace(${marked}, '&', '&amp;'), '<', '&lt;'),
    '>', '&gt;'), '"', '&quot;'), '''', '&#39;'), chr(2), '<mark>'), chr(3), '</mark>')`;
const Q5_ACTOR_VISIBLE = `a.marking = any($5) and a.released_to = any($5) and a.merged_into_id is null`;
const Q5_FEW_BY_WORDS = `(select count(*) from candidate where type = 'ACTOR') < $8`;
const Q5_SNIPPET = `case p.type
    when 'BRIEFING' then ${Q5_HEADLINE('briefing', `concat_ws(' ', briefing.summary, briefing.body)`)}
    when 'CLAIM' then ${Q5_HEADLINE('claim', `concat_ws(' ', claim.statement, claim.quote)`)}
    when 'SOURCE' then ${Q5_HEADLINE('source', `concat_ws(' ', source.title, source.publisher, source.description)`)}
    else ${Q5_HEADLINE('actor', `concat_ws(' ', actor.name, (select string_agg(alias, ', ' order by alias) from actor_alias where actor_alias.actor_id = actor.id), actor.description)`)}
  end`;
const Q5_RECORD = `case p.type
    when 'BRIEFING' then (select '{"title":' || to_json(title)::text || '}' from briefing where id = p.id)
    when 'CLAIM' then (select '{"statement":' || to_json(statement)::text || '}' from claim where id = p.id)
    when 'SOURCE' then (select '{"title":' || to_json(title)::text || '}' from source where id = p.id)
    else (select '{"name":' || to_json(name)::text || '}' from actor where id = p.id) end`;
const Q5_SQL = `
with candidate as materialized (
  (select 'BRIEFING'::text as type, d.briefing_id as id, d.language, d.document
    from briefing_search d join briefing b on b.id = d.briefing_id
    where ${Q5_MATCH} and b.marking = any($5) and b.status = any($6)
    order by d.briefing_id desc limit $3)
  union all
  (select 'CLAIM', d.claim_id, d.language, d.document
    from claim_search d join claim c on c.id = d.claim_id join briefing b on b.id = c.briefing_id
    where ${Q5_MATCH} and c.marking = any($5) and b.marking = any($5) and b.status = any($6)
    order by d.claim_id desc limit $3)
  union all
  (select 'SOURCE', d.source_id, d.language, d.document
    from source_search d join source s on s.id = d.source_id
    where ${Q5_MATCH} and s.marking = any($5) and s.released_to = any($5)
    order by d.source_id desc limit $3)
  union all
  (select 'ACTOR', d.actor_id, d.language, d.document
    from actor_search d join actor a on a.id = d.actor_id
    where ${Q5_MATCH} and ${Q5_ACTOR_VISIBLE}
    order by d.actor_id desc limit $3)
),
ranked as (
  select c.type, c.id, ts_rank_cd(c.document, ${Q5_QUERY_FOR('c')}, 32) as rank from candidate c
  union all
  (select 'ACTOR', a.id, (0.5 * word_similarity(fold_text($2), n.name_folded))::real
    from actor_search n join actor a on a.id = n.actor_id
    where ${Q5_FEW_BY_WORDS} and fold_text($2) <% n.name_folded and ${Q5_ACTOR_VISIBLE} limit $3)
  union all
  (select 'ACTOR', al.actor_id, (0.5 * word_similarity(fold_text($2), fold_text(al.alias)))::real
    from actor_alias al join actor a on a.id = al.actor_id
    where ${Q5_FEW_BY_WORDS} and fold_text($2) <% fold_text(al.alias) and ${Q5_ACTOR_VISIBLE} limit $3)
),
merged as materialized (select type, id, max(rank) as rank from ranked group by type, id),
page as (select type, id, rank from merged order by rank desc, type, id desc limit $4)
select '{"data":{"search":{"totalCount":' || (select count(*) from merged)
  || ',"capped":' || (coalesce((select max(n) from (select count(*) as n from candidate group by type) t), 0) >= $3)::text
  || ',"edges":[' || coalesce((select string_agg('{"node":{"type":' || to_json(p.type)::text
    || ',"rank":' || p.rank::text || ',"snippet":{"html":' || to_json(${Q5_HTML(Q5_SNIPPET)})::text
    || '},"record":' || ${Q5_RECORD} || '}}', ',' order by p.rank desc, p.type, p.id desc)
    from page p), '') || ']}}}' as body`;
/** Ours' candidate cap, misspelt-name threshold and headline options (src/search/). */
const Q5_CANDIDATE_CAP = 200;
const Q5_NAME_MATCHES_BELOW = 20;
const Q5_HEADLINE_OPTIONS =
  'StartSel="\u0002", StopSel="\u0003", MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "';

// ---- Q4: addClaim as an editor ----

/** TLP order: a key's clearance admits every marking up to it. */
const MARKING_ORDER = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
/** Editors see briefings in every status. */
const EDITOR_STATUSES = ['DRAFT', 'IN_REVIEW', 'PUBLISHED', 'RETRACTED'];
const CITATION_ROLES = ['ORIGIN', 'RELAY', 'CORROBORATES', 'CONTRADICTS'];
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const KEY_SHAPE = /^bg_[A-Za-z0-9_-]{43}$/;

// 1. The key (a live editor or admin key) and the briefing, locked so that concurrent writers
// take positions one after another (as ours does).
const Q4_LOCK_SQL = `
select k.id as key_id, k.name as key_name, k.clearance, b.id as briefing_id, b.body, b.status
from api_key k
left join lateral (
  select id, body, status from briefing
  where id = $2 and status = any($3)
    and array_position($4::text[], marking) <= array_position($4::text[], k.clearance)
  for no key update
) b on true
where k.key_hash = $1 and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())
  and k.role in ('editor', 'admin')`;

// 2. The claim after the briefing's last one, its citations (only when every cited source is
// visible to the key), the audit entry, and the response. Its own snapshot (READ COMMITTED)
// sees the claims of writers that held the lock before.
const Q4_INSERT_SQL = `
with visible as (
  select count(*)::int as n from source
  where id = any($8::bigint[])
    and array_position($13::text[], marking) <= array_position($13::text[], $14::text)
),
new_claim as (
  insert into claim (briefing_id, position, kind, statement, quote, span_start, span_end,
    predicate, confidence, status, marking)
  select $1::bigint, (select coalesce(max(position) + 1, 0) from claim where briefing_id = $1::bigint),
    'FACT', $2::text, $3::text, $4::int, $5::int, $6::text, $7::smallint, 'REPORTED', 'CLEAR'
  where (select n from visible) = cardinality(array(select distinct unnest($8::bigint[])))
  returning *
),
new_citations as (
  insert into citation (claim_id, source_id, position, role, locator, quote, credibility)
  select c.id, x.source_id, (x.ord - 1)::smallint, x.role, x.locator, x.quote, x.credibility
  from new_claim c
  cross join unnest($8::bigint[], $9::text[], $10::text[], $11::text[], $12::smallint[])
    with ordinality as x(source_id, role, locator, quote, credibility, ord)
  returning *
),
audit as (
  insert into audit_log (actor_name, api_key_id, request_id, action, entity_type, entity_id,
    before, after)
  select $15::text, $16::bigint, $17::text, 'claim.create', 'Claim', c.id, null,
    to_jsonb(c) || jsonb_build_object('objectIds', '[]'::jsonb, 'citations',
      coalesce((select jsonb_agg(to_jsonb(ci) order by ci.position) from new_citations ci),
        '[]'::jsonb))
  from new_claim c
)
select json_build_object('data', json_build_object('addClaim', json_build_object(
  '__typename', 'AddClaimSuccess',
  'claim', json_build_object(
    'id', rtrim(translate(encode(convert_to('Claim:' || c.id, 'UTF8'), 'base64'), '+/', '-_'), '='),
    'statement', c.statement, 'quote', c.quote,
    'span', case when c.span_start is null then null
      else json_build_object('start', c.span_start, 'end', c.span_end) end,
    'predicate', c.predicate, 'confidence', c.confidence, 'status', c.status,
    'marking', c.marking, 'version', c.version,
    'citations', json_build_object('edges', coalesce((
      select json_agg(json_build_object('node', json_build_object('position', ci.position,
        'role', ci.role, 'locator', ci.locator, 'credibility', ci.credibility,
        'source', json_build_object('title', s.title))) order by ci.position)
      from new_citations ci join source s on s.id = ci.source_id), '[]'::json))))))::text as body
from new_claim c`;

/** A typed error in the payload union, as ours answers it. */
function payloadError(typename: string, message: string): string {
  return JSON.stringify({ data: { addClaim: { __typename: typename, message } } });
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value.trim() : null;
}

interface CheckedCitation {
  sourceId: number;
  role: string;
  locator: string | null;
  quote: string | null;
  credibility: number | null;
}

/** The input checks ours makes before writing (for the fields Q4 sends). */
function checkQ4Input(variables: Record<string, unknown>):
  | {
      briefingId: number;
      statement: string;
      quote: string | null;
      span: { start: number; end: number } | null;
      predicate: string;
      confidence: number | null;
      citations: CheckedCitation[];
    }
  | { problem: string } {
  const input = (variables.input ?? {}) as Record<string, unknown>;
  const briefingId = databaseId(variables.briefingId, 'Briefing');
  if (briefingId < 0) return { problem: 'briefingId: expected the id of a briefing' };
  const statement = text(input.statement);
  if (!statement || [...statement].length > 2000)
    return { problem: 'input.statement: expected 1 to 2000 characters' };
  const quote = text(input.quote);
  if (quote !== null && [...quote].length > 5000)
    return { problem: 'input.quote: expected at most 5000 characters' };
  const rawSpan = input.span as { start?: unknown; end?: unknown } | null | undefined;
  const span =
    rawSpan && Number.isInteger(rawSpan.start) && Number.isInteger(rawSpan.end)
      ? { start: Number(rawSpan.start), end: Number(rawSpan.end) }
      : null;
  if (quote === null || !span) return { problem: 'input.span: the floor expects a quote and span' };
  if (span.start < 0 || span.end <= span.start)
    return { problem: 'input.span: expected 0 <= start < end' };
  const predicate = text(input.predicate);
  if (!predicate || !SLUG.test(predicate) || predicate.length > 80)
    return { problem: 'input.predicate: expected a slug' };
  const confidence = input.confidence == null ? null : Number(input.confidence);
  if (confidence !== null && (!Number.isInteger(confidence) || confidence < 0 || confidence > 100))
    return { problem: 'input.confidence: expected an integer in 0..100' };
  const list = Array.isArray(input.citations) ? (input.citations as Record<string, unknown>[]) : [];
  if (list.length > 50) return { problem: 'input.citations: expected at most 50' };
  const citations: CheckedCitation[] = [];
  const seen = new Set<string>();
  for (const [i, c] of list.entries()) {
    const sourceId = databaseId(c.sourceId, 'Source');
    const role = String(c.role);
    const credibility = c.credibility == null ? null : Number(c.credibility);
    const locator = text(c.locator);
    const citationQuote = text(c.quote);
    if (sourceId < 0) return { problem: `input.citations.${i}.sourceId: expected a source id` };
    if (!CITATION_ROLES.includes(role)) return { problem: `input.citations.${i}.role` };
    if (
      credibility !== null &&
      (!Number.isInteger(credibility) || credibility < 1 || credibility > 6)
    )
      return { problem: `input.citations.${i}.credibility: expected an integer in 1..6` };
    if ((locator?.length ?? 0) > 500 || (citationQuote?.length ?? 0) > 5000)
      return { problem: `input.citations.${i}: locator or quote too long` };
    if (seen.has(`${sourceId} ${role}`))
      return { problem: `input.citations.${i}: expected each source once per role` };
    seen.add(`${sourceId} ${role}`);
    citations.push({ sourceId, role, locator, quote: citationQuote, credibility });
  }
  return { briefingId, statement, quote, span, predicate, confidence, citations };
}

/**
 * addClaim in one transaction: BEGIN, the key and the locked briefing, the span checked against
 * the body here, one statement inserting the claim, its citations and the audit entry and
 * building the response, COMMIT (4 statements). Anything refused rolls back.
 */
async function q4(variables: Record<string, unknown>, authorization: string | undefined) {
  const key = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  if (!key || !KEY_SHAPE.test(key))
    return payloadError('ForbiddenError', 'this operation needs an editor key');
  const checked = checkQ4Input(variables);
  if ('problem' in checked) return payloadError('ValidationError', checked.problem);
  const keyHash = createHash('sha256').update(key).digest('hex');
  const client = await pool.connect();
  let open = false;
  try {
    await client.query('begin');
    open = true;
    const locked = await client.query<{
      key_id: string;
      key_name: string;
      clearance: string;
      briefing_id: string | null;
      body: string | null;
      status: string | null;
    }>({
      name: 'q4-lock',
      text: Q4_LOCK_SQL,
      values: [keyHash, checked.briefingId, EDITOR_STATUSES, MARKING_ORDER],
    });
    const row = locked.rows[0];
    const refusal = !row
      ? payloadError('ForbiddenError', 'this operation needs an editor key')
      : row.briefing_id === null || row.body === null
        ? payloadError('NotFoundError', 'briefing not found')
        : row.status === 'RETRACTED'
          ? payloadError('ConflictError', 'the briefing is RETRACTED')
          : checked.span &&
              [...row.body].slice(checked.span.start, checked.span.end).join('') !== checked.quote
            ? payloadError(
                'ValidationError',
                'input.span: expected body[start, end) to equal the quote',
              )
            : null;
    if (refusal || !row) {
      await client.query('rollback');
      open = false;
      return refusal ?? payloadError('ForbiddenError', 'this operation needs an editor key');
    }
    const { citations } = checked;
    const inserted = await client.query<{ body: string }>({
      name: 'q4-insert',
      text: Q4_INSERT_SQL,
      values: [
        checked.briefingId,
        checked.statement,
        checked.quote,
        checked.span?.start ?? null,
        checked.span?.end ?? null,
        checked.predicate,
        checked.confidence,
        citations.map((c) => c.sourceId),
        citations.map((c) => c.role),
        citations.map((c) => c.locator),
        citations.map((c) => c.quote),
        citations.map((c) => c.credibility),
        MARKING_ORDER,
        row.clearance,
        row.key_name,
        row.key_id,
        randomUUID(),
      ],
    });
    const body = inserted.rows[0]?.body;
    await client.query(body ? 'commit' : 'rollback');
    open = false;
    return body ?? payloadError('NotFoundError', 'a cited source was not found');
  } catch (error) {
    if (open) await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

type Handler = (
  variables: Record<string, unknown>,
  req: IncomingMessage,
) => Statement | string | Promise<string>;

// Documents are taken from the benchmark's own query list (the `ours` family), so the raw
// floor answers exactly what the other peers are sent.
const fake: DataSummary = {
  scale: 0,
  seed: 0,
  seconds: 0,
  rows: {},
  q2ActorId: 1,
  q3BriefingId: 1,
  q4SourceIds: [1, 2, 3],
  q4BriefingId: 1,
  q4Anchor: { quote: 'x', start: 0, end: 1 },
};
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
  [
    doc('Q5'),
    // The query has no designators, so ours searches, highlights and compares names with it as is.
    (v) => ({
      name: 'q5',
      text: Q5_SQL,
      values: [
        String(v.q),
        String(v.q),
        Q5_CANDIDATE_CAP,
        20,
        MARKINGS,
        STATUSES,
        Q5_HEADLINE_OPTIONS,
        Q5_NAME_MATCHES_BELOW,
      ],
    }),
  ],
  [doc('Q4'), (v, req) => q4(v, req.headers.authorization)],
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
  const statement = await handler(request.variables ?? {}, req);
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
