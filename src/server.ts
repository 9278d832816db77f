import { startServer } from './bootstrap.js';
import { loadConfig } from './config.js';
import { createLogger, errorFields } from './logger.js';

let logger = createLogger('info');

/** Exits once the log lines still buffered (pino writes asynchronously) are out. */
async function exit(code: number): Promise<never> {
  await logger.flush();
  process.exit(code);
}

try {
  const config = loadConfig();
  logger = createLogger(config.logLevel);
  const running = await startServer(config, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second signal: the operator does not want to wait for the deadline.
      logger.warn(`received ${signal} again, exiting without waiting`);
      void exit(1);
      return;
    }
    stopping = true;
    logger.info(`received ${signal}, shutting down`, { timeoutMs: config.shutdownTimeoutMs });
    // The embedded database must be closed cleanly, or its next start has to recover.
    running.close().then(
      () => {
        logger.info('shut down');
        void exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', errorFields(error));
        void exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  logger.error('failed to start', errorFields(error));
  await exit(1);
}
