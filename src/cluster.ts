/**
 * `WORKERS=N` (N > 1, PostgreSQL only): N server processes share the port through node:cluster, each a complete
 * server on the same database, so quotas (reconciled through the database) and data hold across them. The primary
 * only forks, restarts a worker that dies, and on SIGTERM/SIGINT passes the signal on and exits when every worker
 * has drained and stopped.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './log.js';

export function runPrimary(workers: number, logger: Logger): void {
  let stopping = false;
  // Our own count, not `cluster.workers`: node removes a worker from that only once it has both exited and closed
  // its IPC channel, so at the last 'exit' a worker may still be listed and "stopped" would never be logged.
  const running = new Set<Worker>();
  const fork = () => running.add(cluster.fork());
  cluster.on('exit', (worker: Worker, code, signal) => {
    running.delete(worker);
    if (stopping) {
      if (running.size === 0) {
        logger.info('stopped', { workers });
        process.exit(0);
      }
      return;
    }
    logger.error('worker died; starting another', { pid: worker.process.pid, code, signal });
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    logger.info('stopping', { signal, workers });
    for (const worker of running) worker.process.kill(signal);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  logger.info('starting workers', { workers, pid: process.pid });
  for (let i = 0; i < workers; i += 1) fork();
}

/** Whether this process prints what is printed once per server (the demo credentials): the primary's first worker. */
export const isFirstProcess = (): boolean => !cluster.isWorker || cluster.worker?.id === 1;
export const isClusterPrimary = (workers: number): boolean => workers > 1 && cluster.isPrimary;
