/** The ceiling: bare Hono on @hono/node-server answering the same JSON for the same routes, with no pipeline. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const user = {
  statusCode: 200,
  message: 'User retrieved successfully',
  data: {
    id: '507f1f77bcf86cd799439011',
    username: 'john_doe',
    alias: 'John Doe',
    email: 'john.doe@example.com',
    public_key: null,
    is_admin: false,
    is_banned: false,
    metadata: {},
    created_at: '2024-12-01T10:00:00.000Z',
    updated_at: '2024-12-01T10:00:00.000Z',
  },
};
const app = new Hono();
app.get('/api/v1/users/:id', (c) => c.json(user));
app.patch('/api/v1/users/:id', async (c) => c.json({ ...user, data: { ...user.data, ...((await c.req.json()) as object) } }));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${info.port}`, jwt: 'none', token: 'none' }) + '\n');
});
