import type { Kysely, Transaction } from 'kysely';
import type { DB } from './types.js';

/** Repositories run on the pool or inside a caller's transaction alike. */
export type Executor = Kysely<DB> | Transaction<DB>;
