import pg from 'pg';
import { issueApiKey } from '../../src/auth/api-keys.ts';
import { createDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

/** Deterministic PRNG (mulberry32): the same seed always yields the same database. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DataSummary {
  scale: number;
  seed: number;
  seconds: number;
  rows: Record<string, number>;
  /** Hub actor (most outgoing relationships) used by Q2. */
  q2ActorId: number;
  /** Briefing with the most claims, used by Q3. */
  q3BriefingId: number;
  /** The sources Q4 cites (origin, relay, corroborating). */
  q4SourceIds: number[];
  /**
   * The briefing Q4 adds claims to: none of Q1/Q1x2 (the 40 most recently published) or Q3 reads
   * it, or (at tiny scales, where Q1x2 reads every briefing) it already has more claims than
   * Q1x2 shows, so the claims Q4 appends stay out of the other queries' answers.
   */
  q4BriefingId: number;
  /** The start of that briefing's body Q4 quotes, and where it sits (code points). */
  q4Anchor: { quote: string; start: number; end: number };
}

/** Briefings (most recently published first) and claims per briefing that Q1x2 reads. */
const READ_BY_Q1X2 = { briefings: 40, claims: 20 };

const ACTOR_KINDS = [
  'STATE',
  'PERSON',
  'ORGANIZATION',
  'GOVERNMENT_BODY',
  'MILITARY_UNIT',
  'EQUIPMENT',
  'PROGRAM',
];
const SOURCE_KINDS = [
  'INTELLIGENCE_BRIEFING',
  'NEWS_REPORT',
  'OFFICIAL_DOCUMENT',
  'STATEMENT',
  'DATASET',
  'IMAGE',
  'ANALYSIS',
  'SOCIAL_MEDIA_POST',
  'OTHER',
];
const COUNTRIES = ['VE', 'RU', 'CN', 'IR', 'US', 'CU', 'BR', 'CO', 'BY', 'KP', 'SY', 'TR'];
const PREDICATES = ['requested-from', 'supplied', 'operates', 'contracted', 'delivered', 'leads'];
const REL_TYPES = [
  'supplies',
  'leads',
  'operates',
  'requested-aid-from',
  'variant-of',
  'allied-with',
];
const LIKELIHOODS = [
  'ALMOST_NO_CHANCE',
  'VERY_UNLIKELY',
  'UNLIKELY',
  'ROUGHLY_EVEN_CHANCE',
  'LIKELY',
  'VERY_LIKELY',
  'ALMOST_CERTAIN',
];
const CLAIM_STATUSES = ['REPORTED', 'CORROBORATED', 'DISPUTED', 'REFUTED', 'SUPERSEDED'];
const CITATION_ROLES = ['RELAY', 'CORROBORATES', 'CONTRADICTS'];
const NAME_WORDS = ['Chávez', 'Sukhoi', 'Mohajer', 'Caracas', 'Ministério', 'Øresund', 'Niño'];
/** 0–5 links per claim, mean ≈ 2. */
const LINK_WEIGHTS = [0.1, 0.3, 0.25, 0.2, 0.1, 0.05];

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Creates (or recreates) the database named in `url`, empty. */
export async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected database name ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected database name ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}

type Column = [name: string, type: string, values: unknown[]];

/** Bulk insert through `unnest` of one array per column: one statement per batch. */
async function insertColumns(
  client: pg.Client,
  table: string,
  columns: Column[],
  batch = 20_000,
): Promise<void> {
  const total = columns[0]?.[2].length ?? 0;
  const names = columns.map(([name]) => name).join(', ');
  const unnest = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const text = `insert into ${table} (${names}) select * from unnest(${unnest})`;
  for (let start = 0; start < total; start += batch) {
    await client.query(
      text,
      columns.map(([, , values]) => values.slice(start, start + batch)),
    );
  }
}

/**
 * Fills the database through our own migrations, then bulk-loads deterministic data: every
 * briefing PUBLISHED, every record TLP:CLEAR and every shared record (actor, source,
 * relationship) released, as if an editor had published it, so anonymous callers (and
 * PostGraphile, which has no notion of visibility or embargo) see the same rows.
 */
export async function loadData(url: string, scale: number, seed = 20261125): Promise<DataSummary> {
  const started = performance.now();
  await recreateDatabase(url);
  const kysely = createDatabase({ url, maxConnections: 1 });
  try {
    await migrateToLatest(kysely);
  } finally {
    await kysely.destroy();
  }

  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
  /** Skewed towards low ids (hubs): id = 1 + floor(n · u^power). */
  const skewed = (n: number, power = 2) => 1 + Math.floor(n * random() ** power);
  const linkCount = () => {
    let u = random();
    for (let k = 0; k < LINK_WEIGHTS.length; k++) {
      u -= LINK_WEIGHTS[k] ?? 0;
      if (u < 0) return k;
    }
    return LINK_WEIGHTS.length - 1;
  };

  const nActors = Math.max(40, Math.round(5000 * scale));
  const nSources = Math.max(60, Math.round(20000 * scale));
  const nBriefings = Math.max(25, Math.round(1000 * scale));
  const nRelationships = Math.max(300, Math.round(50000 * scale));
  const base = Date.UTC(2026, 9, 1);

  /** A valid-time start aligned to a random precision, and sometimes an end. */
  const validTime = (required: boolean) => {
    if (!required && random() < 0.3) return [null, null, null, null] as const;
    const year = 1990 + int(36);
    const precision = pick(['DAY', 'MONTH', 'YEAR'] as const);
    const month = precision === 'YEAR' ? 0 : int(12);
    const day = precision === 'DAY' ? 1 + int(28) : 1;
    const from = new Date(Date.UTC(year, month, day));
    if (random() < 0.6) return [iso(from), precision, null, null] as const;
    const to = new Date(Date.UTC(year + 1 + int(5), month, day));
    return [iso(from), precision, iso(to), precision] as const;
  };

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const rows: Record<string, number> = {};
  try {
    // Actors.
    {
      const cols: Column[] = [
        ['id', 'bigint', []],
        ['kind', 'text', []],
        ['name', 'text', []],
        ['country', 'text', []],
        ['wikidata_qid', 'text', []],
        ['description', 'text', []],
        ['released_to', 'text', []],
      ];
      for (let id = 1; id <= nActors; id++) {
        const values = [
          id,
          pick(ACTOR_KINDS),
          `${pick(NAME_WORDS)} actor ${id}`,
          random() < 0.8 ? pick(COUNTRIES) : null,
          `Q${100000 + id}`,
          random() < 0.5 ? `Generated actor number ${id} for the benchmark.` : null,
          'CLEAR',
        ];
        values.forEach((v, i) => cols[i]?.[2].push(v));
      }
      await insertColumns(client, 'actor', cols);
      rows.actor = nActors;
    }

    // Sources with relay chains: a source relays an earlier one (so chains never loop).
    {
      const cols: Column[] = [
        ['id', 'bigint', []],
        ['kind', 'text', []],
        ['title', 'text', []],
        ['publisher', 'text', []],
        ['url', 'text', []],
        ['published_at', 'timestamptz', []],
        ['reliability', 'text', []],
        ['derived_from_id', 'bigint', []],
        ['released_to', 'text', []],
      ];
      for (let id = 1; id <= nSources; id++) {
        const derived = id > 10 && random() < 0.6 ? id - 1 - int(Math.min(id - 1, 40)) : null;
        const values = [
          id,
          pick(SOURCE_KINDS),
          `Source ${id}: report on ${pick(NAME_WORDS)}`,
          random() < 0.9 ? `Publisher ${1 + int(300)}` : null,
          random() < 0.8 ? `https://example.org/sources/${id}` : null,
          new Date(base - int(3650) * 86_400_000).toISOString(),
          random() < 0.9 ? pick(['A', 'B', 'C', 'D', 'E', 'F']) : null,
          derived,
          'CLEAR',
        ];
        values.forEach((v, i) => cols[i]?.[2].push(v));
      }
      await insertColumns(client, 'source', cols);
      rows.source = nSources;
    }

    // Briefings: all published and CLEAR, distinct publication instants (id 1 newest).
    const claimsPerBriefing: number[] = [];
    {
      const cols: Column[] = [
        ['id', 'bigint', []],
        ['slug', 'text', []],
        ['title', 'text', []],
        ['summary', 'text', []],
        ['body', 'text', []],
        ['status', 'text', []],
        ['published_at', 'timestamptz', []],
      ];
      for (let id = 1; id <= nBriefings; id++) {
        // 5–200 claims, skewed: most briefings are short, a few are long.
        claimsPerBriefing.push(5 + Math.floor(195 * random() ** 3.33));
        const values = [
          id,
          `bench-briefing-${id}`,
          `Briefing ${id}: ${pick(NAME_WORDS)} and the arms trade`,
          `Summary of generated briefing ${id}.`,
          `Generated body of briefing ${id}. `.repeat(10),
          'PUBLISHED',
          new Date(base - id * 3_600_000).toISOString(),
        ];
        values.forEach((v, i) => cols[i]?.[2].push(v));
      }
      await insertColumns(client, 'briefing', cols);
      rows.briefing = nBriefings;
    }

    // Claims, their objects (claim ↔ actor) and citations (claim ↔ source).
    {
      const claim: Column[] = [
        ['id', 'bigint', []],
        ['briefing_id', 'bigint', []],
        ['position', 'int', []],
        ['kind', 'text', []],
        ['statement', 'text', []],
        ['subject_actor_id', 'bigint', []],
        ['predicate', 'text', []],
        ['valid_from', 'date', []],
        ['valid_from_precision', 'text', []],
        ['valid_to', 'date', []],
        ['valid_to_precision', 'text', []],
        ['likelihood', 'text', []],
        ['confidence', 'smallint', []],
        ['status', 'text', []],
      ];
      // A claim's quantity lives in claim_quantity (one, at position 0, as the data always had).
      const quantityCols: Column[] = [
        ['claim_id', 'bigint', []],
        ['position', 'smallint', []],
        ['value', 'numeric', []],
        ['min', 'numeric', []],
        ['max', 'numeric', []],
        ['unit', 'text', []],
        ['qualifier', 'text', []],
      ];
      const object: Column[] = [
        ['claim_id', 'bigint', []],
        ['actor_id', 'bigint', []],
        ['position', 'smallint', []],
      ];
      const citation: Column[] = [
        ['claim_id', 'bigint', []],
        ['source_id', 'bigint', []],
        ['position', 'smallint', []],
        ['role', 'text', []],
        ['credibility', 'smallint', []],
      ];
      let id = 0;
      for (let b = 1; b <= nBriefings; b++) {
        const count = claimsPerBriefing[b - 1] ?? 5;
        for (let position = 0; position < count; position++) {
          id++;
          const subject = random() < 0.9 ? skewed(nActors) : null;
          const q = random();
          const quantity =
            q < 0.5
              ? [null, null, null, null, null]
              : q < 0.7
                ? [1 + int(100), null, null, 'aircraft', 'EXACT']
                : q < 0.85
                  ? [1 + int(100), null, null, 'aircraft', 'APPROXIMATE']
                  : q < 0.95
                    ? [null, 5, 5 + int(20), 'radars', 'RANGE']
                    : [1 + int(50), null, null, 'missiles', 'AT_LEAST'];
          const [from, fromP, to, toP] = validTime(false);
          const kind = random() < 0.85 ? 'FACT' : 'ASSESSMENT';
          const values = [
            id,
            b,
            position,
            kind,
            `Claim ${id}: ${subject ? `actor ${subject}` : 'someone'} ${pick(PREDICATES)} something (${pick(NAME_WORDS)}).`,
            subject,
            pick(PREDICATES),
            from,
            fromP,
            to,
            toP,
            random() < 0.6 ? pick(LIKELIHOODS) : null,
            random() < 0.8 ? int(101) : null,
            pick(CLAIM_STATUSES),
          ];
          values.forEach((v, i) => claim[i]?.[2].push(v));
          if (quantity[4] !== null)
            [id, 0, ...quantity].forEach((v, i) => quantityCols[i]?.[2].push(v));

          const objects = new Set<number>();
          for (let k = linkCount(); objects.size < k;) objects.add(skewed(nActors));
          [...objects].forEach((actor, i) => {
            object[0]?.[2].push(id);
            object[1]?.[2].push(actor);
            object[2]?.[2].push(i);
          });
          const sources = new Set<number>();
          for (let k = linkCount(); sources.size < k;) sources.add(skewed(nSources, 1.5));
          [...sources].forEach((source, i) => {
            citation[0]?.[2].push(id);
            citation[1]?.[2].push(source);
            citation[2]?.[2].push(i);
            citation[3]?.[2].push(i === 0 ? 'ORIGIN' : pick(CITATION_ROLES));
            citation[4]?.[2].push(random() < 0.8 ? 1 + int(6) : null);
          });
        }
      }
      await insertColumns(client, 'claim', claim);
      await insertColumns(client, 'claim_quantity', quantityCols);
      await insertColumns(client, 'claim_object', object);
      await insertColumns(client, 'citation', citation);
      rows.claim = id;
      rows.claim_object = object[0]?.[2].length ?? 0;
      rows.citation = citation[0]?.[2].length ?? 0;
    }

    // Relationships between actors, skewed towards hubs, always with a start date (so that
    // "earliest first" orders identically with or without NULLS FIRST).
    {
      const cols: Column[] = [
        ['id', 'bigint', []],
        ['from_actor_id', 'bigint', []],
        ['to_actor_id', 'bigint', []],
        ['type', 'text', []],
        ['valid_from', 'date', []],
        ['valid_from_precision', 'text', []],
        ['valid_to', 'date', []],
        ['valid_to_precision', 'text', []],
        ['confidence', 'smallint', []],
        ['attributes', 'jsonb', []],
        ['released_to', 'text', []],
      ];
      for (let id = 1; id <= nRelationships; id++) {
        const from = skewed(nActors, 2.5);
        let to = skewed(nActors, 1.5);
        if (to === from) to = (from % nActors) + 1;
        const [vf, vfp, vt, vtp] = validTime(true);
        const values = [
          id,
          from,
          to,
          pick(REL_TYPES),
          vf,
          vfp,
          vt,
          vtp,
          random() < 0.8 ? int(101) : null,
          random() < 0.3 ? JSON.stringify({ quantity: 1 + int(50) }) : '{}',
          'CLEAR',
        ];
        values.forEach((v, i) => cols[i]?.[2].push(v));
      }
      await insertColumns(client, 'actor_relationship', cols);
      rows.actor_relationship = nRelationships;
    }

    // Identity sequences continue after the explicit ids.
    for (const table of [
      'actor',
      'source',
      'briefing',
      'claim',
      'citation',
      'actor_relationship',
    ]) {
      await client.query(
        `select setval(pg_get_serial_sequence('${table}', 'id'), (select coalesce(max(id), 0) + 1 from ${table}), false)`,
      );
    }
    await client.query('vacuum analyze');

    const hub = await client.query<{ id: string }>(
      `select from_actor_id as id from actor_relationship group by 1 order by count(*) desc, 1 limit 1`,
    );
    const longest = await client.query<{ id: string }>(
      `select briefing_id as id from claim group by 1 order by count(*) desc, 1 limit 1`,
    );
    const q3BriefingId = Number(longest.rows[0]?.id);
    const q4 = await client.query<{ id: string; body: string }>(
      `select id, body from (
         select b.id, b.body,
           row_number() over (order by b.published_at desc nulls last, b.id desc) as rank,
           (select count(*) from claim c where c.briefing_id = b.id) as claims
         from briefing b where b.status = 'PUBLISHED' and b.marking = 'CLEAR' and b.id <> $1
       ) ranked
       order by rank > $2 desc, claims > $3 desc, rank desc limit 1`,
      [q3BriefingId, READ_BY_Q1X2.briefings, READ_BY_Q1X2.claims],
    );
    const q4Row = q4.rows[0];
    if (!q4Row) throw new Error('no briefing for Q4');
    // The body repeats its first sentence, so the quote needs its span.
    const quote = q4Row.body.slice(0, q4Row.body.indexOf('.') + 1);
    return {
      scale,
      seed,
      seconds: (performance.now() - started) / 1000,
      rows,
      q2ActorId: Number(hub.rows[0]?.id),
      q3BriefingId,
      q4SourceIds: [1, 2, 3],
      q4BriefingId: Number(q4Row.id),
      q4Anchor: { quote, start: 0, end: [...quote].length },
    };
  } finally {
    await client.end();
  }
}

/**
 * Issues an editor API key in the bench database through the application's own code (only its
 * hash is stored). The key stays in the harness's memory: it is never printed or written out.
 */
export async function issueEditorKey(url: string): Promise<string> {
  const kysely = createDatabase({ url, maxConnections: 1 });
  try {
    const { key } = await issueApiKey(kysely, {
      name: 'bench editor',
      role: 'editor',
      clearance: 'CLEAR',
      expiresAt: new Date(Date.now() + 86_400_000),
      createdBy: 'bench/run.ts',
    });
    return key;
  } finally {
    await kysely.destroy();
  }
}
