// A consumer's unit test setup with the shipped MSW handlers; test/sdk/package.test.ts type-checks and runs it.
import { setupServer } from 'msw/node';
import { createHoodyClient } from '@hoody/sdk';
import { hoodyHandlers, hoodyScenario } from '@hoody/sdk/msw';

const baseUrl = 'http://api.example.test';
const server = setupServer(...hoodyHandlers({ baseUrl }));
server.listen({ onUnhandledRequest: 'error' });
const api = createHoodyClient({ baseUrl, token: 'hdy_example' }).api;
const found = await api.users.get({ id: '507f1f77bcf86cd799439011' });
server.use(hoodyScenario('users.get', { example: 'USER_NOT_FOUND' }, { baseUrl }));
const missing = await api.users.get({ id: '507f1f77bcf86cd799439011' });
server.close();
console.log(JSON.stringify({ found: found.data?.data.username, missing: missing.error?.code }));
