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
import { readPolicy } from './spec/policy.js';
import { resettableMemoryStore } from './dev/resettable-store.js';
import { seedDevData } from './dev/dev-data.js';
import { isClusterPrimary, isFirstProcess, runPrimary } from './cluster.js';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (isClusterPrimary(config.workers)) return runPrimary(config.workers, logger);
  if (config.jwtSecretGenerated) logger.warn('JWT_SECRET is not set: using a random secret for this process; session JWTs will not survive a restart');

  const spec = loadSpec();
  // The dev server: a resettable memory store with the rich dev data (src/dev/); otherwise the configured store.
  const devStore = config.dev ? resettableMemoryStore((fresh) => seedDevData(fresh, readPolicy(spec).templates, new Date())) : undefined;
  if (devStore) await devStore.reset();
  // Every worker opens its own connections; the first one says when all of them together may be too many.
  const warn = (message: string) => isFirstProcess() && logger.warn(message);
  const store = devStore?.store ?? (await createStore(config, { warn }));
  if (config.seedDemo && !devStore) await store.seed(demoData());
  logger.info('store ready', { store: config.store, seeded: config.dev ? 'dev' : config.seedDemo });
  const docsHtml = () => (existsSync(DOCS_SITE_PATH) ? readFileSync(DOCS_SITE_PATH, 'utf8') : undefined);
  const dev = devStore && { reset: async () => (await devStore.reset(), logger.info('dev: reset to the demo data')) };
  const app = await createApp({ spec, store, handlers, config, logger, docsHtml, dev });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const url = `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`;
    logger.info('listening', { url, store: config.store, pid: process.pid });
    if ((config.seedDemo || config.dev) && isFirstProcess()) void printDemoCredentials(url, config.jwtSecret, config.dev);
  });

  answerClientErrorsInEnvelope(server as Server, logger);
  const stopRetention = startRetentionJob(store, logger);

  const stop = (signal: string) => {
    logger.info('stopping', { signal });
    stopRetention();
    // Stop accepting connections; in-flight requests finish, then the quota counts still pending in this process are
    // written, the store closes (writing its queued activity) and the process exits 0, or 1 when the database would
    // not take what was queued (the store says how much).
    server.close(async () => {
      await app.flushPending().catch((failure) => logger.error('pending quota counts not written', { error: String(failure) }));
      const closed = await store.close().then(
        () => true,
        (failure: unknown) => (logger.error('store closed with writes lost', { error: failure instanceof Error ? failure.message : String(failure) }), false),
      );
      logger.info('stopped');
      process.exit(closed ? 0 : 1);
    });
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

const DEV_JWT_LIFETIME_SECONDS = 30 * 24 * 3600;

async function printDemoCredentials(url: string, jwtSecret: string, dev: boolean) {
  const key = sessionKey(jwtSecret);
  // The dev server's secret is fixed, so its 30-day JWTs stay valid across restarts: an app keeps its login.
  const lifetime = dev ? DEV_JWT_LIFETIME_SECONDS : undefined;
  const heading = dev ? 'Dev server (memory store, resettable)' : 'Hoody API';
  const lines = [`${heading} on ${url} (reference: ${url}/docs, spec: ${url}/openapi.json). Demo session JWTs, valid ${dev ? '30 days' : '24 h'}:`];
  for (const [username, { id }] of Object.entries(DEMO_USERS)) lines.push(`  ${username.padEnd(11)} ${await signSessionJwt(key, id, lifetime)}`);
  lines.push(`Try: curl -H "Authorization: Bearer <jwt>" ${url}/api/v1/users/${DEMO_USERS.john_doe.id}`);
  if (dev) lines.push(`Reset: curl -X POST ${url}/__dev/reset   Latency: DEV_LATENCY_MS=800 or a 'Dev-Latency: 800' request header`);
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((failure) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'cannot start', error: String(failure) })}\n`);
  process.exit(1);
});
