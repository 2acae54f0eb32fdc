import { loadEnv, type Env } from './env.js';
import { describeError } from './logger.js';
import { startServer } from './server.js';

// Wiring only: read the configuration, start, and shut down cleanly on a signal.
let env: Env;
try {
  env = loadEnv();
} catch (error) {
  // A refused configuration is the operator's to fix: say what is wrong, without a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const server = await startServer(env);
server.logger.info('server.started', { url: server.url, db: server.db.kind });

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.logger.info('server.stopping', { signal });
    server
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        server.logger.error('server.stop_failed', describeError(error));
        process.exit(1);
      });
  });
}
process.on('unhandledRejection', (error) => server.logger.error('process.unhandled_rejection', describeError(error)));
