import { CITED_SOURCE_PREFIX } from '../common/field-columns.js';
import { SOURCE_COLUMN_NAMES } from '../db/rows.js';
import { builder, connectionOf } from '../builder.js';
import { CitationRoleEnum } from '../common/enums.js';
import { encodeGlobalId } from '../common/global-id.js';
import { pageWindow, NESTED_LIST } from '../common/connection.js';
import { pagesPerParent } from '../common/nested-connection.js';
import { ALWAYS_PRESENT, connectionSql, sqlConnection, sqlField } from '../compiled/sql-spec.js';
import { ClaimRef, SourceRef } from '../refs.js';
import { type CitationRow } from './claim.repository.js';
import {
  CITATION_ORDERING,
  citationRowsOfSourceQuery,
  countCitationsPerSource,
  findCitationsPagePerSource,
} from './citation.repository.js';

export const CitationRef = builder.objectRef<CitationRow>('Citation').implement({
  description:
    'A claim’s link to one source: what the source does for the claim and how credible it is there.',
  fields: (t) => ({
    id: t.id({
      description:
        'Names this citation to `removeCitation` (not a node: fetch it through its claim).',
      extensions: sqlField({ kind: 'globalId', typename: 'Citation' }),
      resolve: (c) => encodeGlobalId('Citation', c.id),
    }),
    role: t.expose('role', {
      type: CitationRoleEnum,
      description:
        'How the source stands to the claim: its origin, a relay, or an independent corroboration or contradiction.',
    }),
    position: t.exposeInt('position', {
      description:
        'Order among the claim’s citations (0 first): the attribution chain, origin first.',
    }),
    source: t.field({
      type: SourceRef,
      description: 'The cited source.',
      // Compiled citation rows carry their (visible) source's columns.
      extensions: sqlField({
        kind: 'embedded',
        columns: Object.fromEntries(
          SOURCE_COLUMN_NAMES.map((name) => [name, `${CITED_SOURCE_PREFIX}${name}`]),
        ),
        present: () => ALWAYS_PRESENT,
      }),
      resolve: (c) => c.source_id,
    }),
    claim: t.field({
      type: ClaimRef,
      description: 'The claim this citation supports or disputes.',
      extensions: sqlField({ kind: 'ref', id: (row) => row('claim_id') }),
      resolve: (c) => c.claim_id,
    }),
    locator: t.exposeString('locator', {
      nullable: true,
      description: 'Where in the source (page, paragraph, timestamp).',
    }),
    quote: t.exposeString('quote', {
      nullable: true,
      description: 'The source’s own words, when quoted.',
    }),
    credibility: t.exposeInt('credibility', {
      nullable: true,
      description:
        'Admiralty information credibility: 1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged.',
    }),
  }),
});

export const CitationConnection = connectionOf(CitationRef, 'Citation', 'A page of citations.');

builder.objectField(SourceRef, 'citations', (t) =>
  t.loadable({
    type: CitationConnection,
    ...NESTED_LIST,
    description: 'Claims citing this source (that you may see), oldest citation first.',
    args: { ...t.arg.connectionArgs() },
    extensions: sqlConnection((env, _args: object, row) =>
      connectionSql(
        citationRowsOfSourceQuery(env.db, env.visibility, row('id')),
        CITATION_ORDERING,
      ),
    ),
    byPath: true,
    resolve: (s) => s.id,
    load: async (sourceIds: number[], ctx, args) => {
      const window = pageWindow(args, CITATION_ORDERING);
      const rows = await findCitationsPagePerSource(ctx.db, ctx.visibility, sourceIds, window);
      return pagesPerParent(sourceIds, rows, CITATION_ORDERING, window, (ids) =>
        countCitationsPerSource(ctx.db, ctx.visibility, ids),
      );
    },
  }),
);
