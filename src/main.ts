/**
 * The server entry: configuration from the environment, the store, the Hono app on @hono/node-server, demo data and
 * session JWTs for the demo users, activity retention, and a graceful stop on SIGTERM/SIGINT.
 */
import { serve } from '@hono/node-server';
import { loadConfig } from './config.js';
import { createApp } from './http/app.js';
import { handlers } from './handlers/index.js';
import { answerClientErrorsInEnvelope } from './http/client-errors.js';
import type { Server } from 'node:http';
import { createLogger } from './log.js';
import { sessionKey, signSessionJwt } from './auth/session-jwt.js';
import { existsSync, readFileSync } from 'node:fs';
import { DOCS_SITE_PATH, loadSpec } from './spec/operations.js';
import { createStore } from './store/create-store.js';
import { demoData, DEMO_USERS } from './store/demo-data.js';
import { startRetentionJob } from './domain/activity-retention.js';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (config.jwtSecretGenerated) logger.warn('JWT_SECRET is not set: using a random secret for this process; session JWTs will not survive a restart');

  const store = await createStore(config);
  if (config.seedDemo) await store.seed(demoData());
  logger.info('store ready', { store: config.store, seeded: config.seedDemo });
  const docsHtml = existsSync(DOCS_SITE_PATH) ? readFileSync(DOCS_SITE_PATH, 'utf8') : undefined;
  const app = await createApp({ spec: loadSpec(), store, handlers, config, logger, docsHtml });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const url = `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`;
    logger.info('listening', { url, store: config.store, pid: process.pid });
    if (config.seedDemo) void printDemoCredentials(url, config.jwtSecret);
  });

  answerClientErrorsInEnvelope(server as Server, logger);
  const stopRetention = startRetentionJob(store, logger);

  const stop = (signal: string) => {
    logger.info('stopping', { signal });
    stopRetention();
    // Stop accepting connections; in-flight requests finish, then the store closes and the process exits 0.
    server.close(async () => {
      await store.close();
      logger.info('stopped');
      process.exit(0);
    });
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

async function printDemoCredentials(url: string, jwtSecret: string) {
  const key = sessionKey(jwtSecret);
  const lines = [`Hoody API on ${url} (reference: ${url}/docs, spec: ${url}/openapi.json). Demo session JWTs, valid 24 h:`];
  for (const [username, { id }] of Object.entries(DEMO_USERS)) lines.push(`  ${username.padEnd(11)} ${await signSessionJwt(key, id)}`);
  lines.push(`Try: curl -H "Authorization: Bearer <jwt>" ${url}/api/v1/users/${DEMO_USERS.john_doe.id}`);
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((failure) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'cannot start', error: String(failure) })}\n`);
  process.exit(1);
});
