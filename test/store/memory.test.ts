import { MemoryStore } from '../../src/store/memory/index.js';
import { runStoreContract } from './contract/index.js';

runStoreContract('memory', async () => new MemoryStore());
