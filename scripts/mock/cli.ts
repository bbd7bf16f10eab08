/**
 * `npm run mock [-- --dynamic] [-- --seed <seed>]`: the contract mock on MOCK_HOST:MOCK_PORT (127.0.0.1:4010 by
 * default). See scripts/mock/server.ts for what it adds to Prism.
 */
import { parseArgs } from 'node:util';
import { startMock } from './server.js';

const { values } = parseArgs({ options: { dynamic: { type: 'boolean', default: false }, seed: { type: 'string' } } });
const seed = values.seed ?? process.env.MOCK_SEED ?? (values.dynamic ? 'hoody' : undefined);
const mock = await startMock({
  dynamic: values.dynamic,
  seed,
  host: process.env.MOCK_HOST ?? '127.0.0.1',
  port: Number(process.env.MOCK_PORT ?? 4010),
  log: (line) => console.error(line),
});
console.log(
  `Hoody mock (${values.dynamic ? `dynamic, seed "${seed}"` : 'spec examples'}) on ${mock.url}: any origin; Prefer: example=<CODE> or code=<status> picks a scenario`,
);
const stop = () => void mock.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
