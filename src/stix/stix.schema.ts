import { builder } from '../builder.js';
import { exportBriefingBySlug } from './stix-export.js';

builder.queryFields((t) => ({
  stixBundle: t.field({
    type: 'JSONObject',
    nullable: true,
    description:
      'A briefing as a STIX 2.1 bundle (the same JSON as `GET /stix/briefings/{slug}`): everything of it you may see, with deterministic ids, so a re-export updates rather than duplicates. Null when the briefing does not exist or you may not see it.',
    args: { slug: t.arg({ type: 'Slug', required: true, description: 'The briefing’s slug.' }) },
    resolve: (_root, args, ctx) => exportBriefingBySlug(ctx.db, ctx.visibility, args.slug),
  }),
}));
