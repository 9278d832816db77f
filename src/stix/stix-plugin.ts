import type { FetchAPI, Plugin } from 'graphql-yoga';
import { requestPath } from '../common/request-url.js';
import { ANONYMOUS, visibilityFor, type Viewer } from '../common/viewer.js';
import type { Database } from '../db/database.js';
import {
  databaseUnavailableResponse,
  isDatabaseUnavailable,
} from '../hardening/database-outage.js';
import { errorResponse } from '../hardening/http-guards.js';
import { errorFields, type Logger } from '../logger.js';
import { exportBriefingBySlug } from './stix-export.js';
import { STIX_BRIEFING_PATH } from './stix-path.js';

/** The STIX 2.1 media type (STIX 2.1 §1.6, as TAXII 2.1 serves it). */
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

export interface StixPluginOptions {
  /** The database a read by this caller runs on (a replica, or the primary). */
  reader: (viewer: Viewer) => Promise<Database>;
  viewers: WeakMap<Request, Viewer>;
  logger: Logger;
}

/**
 * Serves a briefing's STIX bundle over plain HTTP, for platforms that pull STIX rather than
 * speak GraphQL. It runs after the endpoint, authentication and rate-limit plugins, so the
 * caller is known and counted as for GraphQL, and reads with that caller's visibility: a
 * briefing the caller may not see is 404, exactly like a slug that was never used.
 */
export function stixPlugin({ reader, viewers, logger }: StixPluginOptions): Plugin {
  async function serve(
    request: Request,
    slug: string,
    endResponse: (response: Response) => void,
    fetchAPI: FetchAPI,
  ): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      endResponse(
        errorResponse(fetchAPI, 405, 'METHOD_NOT_ALLOWED', `expected GET, got ${request.method}`, {
          headers: { allow: 'GET, HEAD' },
        }),
      );
      return;
    }
    const viewer = viewers.get(request) ?? ANONYMOUS;
    try {
      const bundle = await exportBriefingBySlug(await reader(viewer), visibilityFor(viewer), slug);
      endResponse(
        bundle
          ? new fetchAPI.Response(request.method === 'HEAD' ? null : JSON.stringify(bundle), {
              headers: {
                'content-type': STIX_MEDIA_TYPE,
                // Per caller: what it holds depends on the key that asked.
                'cache-control': 'private, no-store',
              },
            })
          : errorResponse(fetchAPI, 404, 'NOT_FOUND', `no briefing with slug ${slug}`),
      );
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        logger.warn('database unavailable while exporting STIX', errorFields(error));
        endResponse(databaseUnavailableResponse(fetchAPI));
        return;
      }
      logger.error('unexpected error while exporting STIX', errorFields(error));
      endResponse(errorResponse(fetchAPI, 500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.'));
    }
  }
  return {
    // Synchronous for every other path: see src/common/maybe-promise.ts.
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      const slug = STIX_BRIEFING_PATH.exec(requestPath(url, serverContext))?.[1];
      if (slug === undefined) return;
      return serve(request, slug, endResponse, fetchAPI);
    },
  };
}
