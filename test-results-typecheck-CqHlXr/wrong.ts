import { createHoodyClient } from '../src/sdk/index.js';
const client = createHoodyClient({ baseUrl: 'http://localhost:3000' });
export async function wrong() { return client.api.users.get({ id: 42 }); }