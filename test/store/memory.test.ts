import { MemoryStore } from '../../src/store/memory/index.js';
import { runStoreContract } from './contract.js';

runStoreContract('memory', async () => new MemoryStore());
