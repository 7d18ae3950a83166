import { startChatshipperServer, type ChatshipperServer } from './app.js';
import { baseUrlFor, formatBanner } from './banner.js';
import { ConfigError, parseConfig } from './config.js';
import { createLogger } from './log.js';
import type { Telemetry } from './telemetry.js';

const SHUTDOWN_GRACE_MS = 10_000;

/** A closed stdout/stderr (`pnpm start | head`) must not crash the server: drop the lines. */
function ignoreBrokenPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}

async function main(): Promise<void> {
  ignoreBrokenPipes();
  let config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      createLogger().error('chatshipper-api: invalid configuration', { problems: error.problems });
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });

  // OTEL_EXPORTER_OTLP_ENDPOINT: traces and metrics over OTLP. Unset: no OpenTelemetry module loads.
  let telemetry: Telemetry | undefined;
  if (config.otlpEndpoint !== undefined) {
    const { startTelemetry } = await import('./telemetry.js');
    telemetry = await startTelemetry({ logger, env: process.env });
    // The origin only: a URL's user info is not for the log.
    logger.info('telemetry: exporting traces and metrics over OTLP/HTTP', { endpoint: new URL(config.otlpEndpoint).origin });
  }

  let server: ChatshipperServer;
  try {
    server = await startChatshipperServer({ config, logger });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.error(`chatshipper-api: could not start: ${reason}`);
    await telemetry?.shutdown();
    process.exitCode = 1;
    return;
  }
  // The banner is for the person who started the server (plain text: the login curl, a generated
  // admin password); the JSON line after it is for the log pipeline (no password).
  logger.print(formatBanner({ config, address: server.address, storage: server.storage, admin: server.admin }));
  logger.info('chatshipper-api started', {
    url: baseUrlFor(server.address),
    framework: config.framework,
    storage: server.storage,
    accessTokenTtl: config.accessTokenTtlText,
    jwtAlgorithm: config.jwtAlgorithm,
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.info(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal} received: closing (in-flight requests get up to ${SHUTDOWN_GRACE_MS / 1000}s)`);
    server
      .close(SHUTDOWN_GRACE_MS)
      // The last spans and metrics are flushed before the process exits.
      .then(() => telemetry?.shutdown())
      .then(
        () => {
          logger.info('chatshipper-api stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error(`chatshipper-api: error while closing: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  // Never a stack with secrets: the message only.
  process.stderr.write(`chatshipper-api: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
