/**
 * The store contract: one suite every Store implementation must pass (the way Hono runs one router suite against
 * every router), split by concern the way Keyv's adapter test suite is. Each test gets a fresh store seeded with the
 * demo data, closed after the test. Concurrency cases print their figures.
 */
import { afterEach, describe } from 'vitest';
import { demoData } from '../../../src/store/demo-data.js';
import type { Store } from '../../../src/store/types.js';
import { activityContract } from './activity.js';
import { realmsContract } from './realms.js';
import { tokensContract } from './tokens.js';
import { usersContract } from './users.js';
import { vaultContract } from './vault.js';

export function runStoreContract(name: string, makeStore: () => Promise<Store>) {
  const opened: Store[] = [];
  const fresh = async () => {
    const store = await makeStore();
    opened.push(store);
    await store.seed(demoData());
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  describe(`Store contract: ${name}`, () => {
    usersContract(name, fresh);
    activityContract(name, fresh);
    vaultContract(name, fresh);
    tokensContract(name, fresh);
    realmsContract(name, fresh);
  });
}
