import { startServer } from './bootstrap.js';
import { loadConfig } from './config.js';
import { createLogger, errorFields } from './logger.js';

let logger = createLogger('info');

try {
  const config = loadConfig();
  logger = createLogger(config.logLevel);
  const running = await startServer(config, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`received ${signal}, shutting down`);
    // The embedded database must be closed cleanly, or its next start has to recover.
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', errorFields(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  logger.error('failed to start', errorFields(error));
  process.exit(1);
}
