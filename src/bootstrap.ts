import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { openDatabase, type OpenDatabase } from './db/open.js';
import { errorFields, type Logger } from './logger.js';
import { seedDatabase } from './seed/load-seed.js';
import { createApp } from './yoga.js';

export interface RunningServer {
  url: string;
  database: OpenDatabase;
  close(): Promise<void>;
}

/** Opens the database, migrates it, seeds an empty one, and listens. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    maxConnections: config.databasePoolMax,
    onPoolError: (error) => logger.warn('idle database connection failed', errorFields(error)),
  });
  try {
    const applied = await migrateToLatest(database.db);
    logger.info('database ready', {
      database: database.embedded ? `embedded (${config.dataDir})` : 'postgresql',
      migrationsApplied: applied,
    });
    if (config.seed && (await seedDatabase(database.db))) logger.info('seeded the sample briefing');
  } catch (error) {
    await database.close();
    throw error;
  }

  const app = createApp({ db: database.db, logger });
  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}`;
  logger.info(`briefgraph listening on ${url}/graphql`);
  return {
    url,
    database,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await database.close();
    },
  };
}
