import { ANONYMOUS, visibilityFor, type Viewer } from './common/viewer.js';
import type { ResponseInvalidation } from './cache/response-store.js';
import type { SelectedFields } from './common/selection.js';
import { loadConfig, type Config } from './config.js';
import type { Database } from './db/database.js';
import type { Visibility } from './db/visibility.js';
import type { Logger } from './logger.js';
import type { ReplicaSet } from './replicas/replica-set.js';
import type { ChangeBus } from './sync/change-bus.js';

/**
 * Per-request context. Pothos keeps its dataloaders in a cache keyed by this object, so it is
 * created once per request and never copied (a copy would silently split the batches).
 */
export interface Context {
  /**
   * What this operation runs on: the primary for mutations, and for reads whatever the replica
   * set chooses (src/replicas/read-routing-plugin.ts).
   */
  db: Database;
  /** Read replicas, told about every committed write; null when there are none. */
  replicas: ReplicaSet | null;
  logger: Logger;
  requestId: string;
  viewer: Viewer;
  /** What this caller may see; every repository query applies it. */
  visibility: Visibility;
  /** The anonymous response cache, told about every committed write; null when there is none. */
  responseCache: ResponseInvalidation | null;
  /**
   * The fields the operation selects per type, set when execution starts; busy loaders read
   * only the columns those need. Null (every column) outside an operation.
   */
  selection: SelectedFields | null;
  /** The server's limits and access rules (the `viewer` query reports the caller's). */
  config: Config;
  /** Where committed writes publish their changes and subscriptions read them; null: nowhere. */
  changes: ChangeBus | null;
  /** Whom open subscriptions count against: the API key, else the client's address. */
  caller: string;
}

/** For contexts made without the app's configuration (tests): the environment's, read once. */
let environmentConfig: Config | null = null;

export function createContext(
  db: Database,
  logger: Logger,
  requestId: string,
  viewer: Viewer = ANONYMOUS,
  responseCache: ResponseInvalidation | null = null,
  config: Config = (environmentConfig ??= loadConfig()),
  replicas: ReplicaSet | null = null,
  changes: ChangeBus | null = null,
  clientAddress: string | null = null,
): Context {
  return {
    db,
    replicas,
    logger,
    requestId,
    viewer,
    visibility: visibilityFor(viewer),
    responseCache,
    selection: null,
    config,
    changes,
    caller:
      viewer.kind === 'api-key' ? `key:${viewer.keyId}` : `ip:${clientAddress ?? 'in-process'}`,
  };
}
