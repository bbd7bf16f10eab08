import { createHoodyClient } from '../src/sdk/index.js';
const client = createHoodyClient({ baseUrl: 'http://localhost:3000', token: process.env.HOODY_TOKEN });

export async function example0() {
const { data, error } = await client.api.users.get({
  id: "507f1f77bcf86cd799439011",
});

return [data, error];
}

export async function example1() {
const { data, error } = await client.api.users.update({
  id: "507f1f77bcf86cd799439011",
  data: {
    alias: "John Smith",
    public_key: "a1b2c3d4e5f6789012345678901234567890abcdefabcdefabcdefabcdef1234",
  },
});

return [data, error];
}

export async function example2() {
const { data, error } = await client.api.users.retrySetup({
  data: {
    region: "us-east-1",
  },
});

return [data, error];
}

export async function example3() {
const { data, error } = await client.api.activity.listIterator({
  page: 1,
  limit: 50,
  errors_only: "true",
});

return [data, error];
}

export async function example4() {
const { data, error } = await client.api.activity.getStats();

return [data, error];
}

export async function example5() {
const { data, error } = await client.api.vault.listIterator();

return [data, error];
}

export async function example6() {
const { data, error } = await client.api.vault.get({
  key: "my-encrypted-notes",
});

return [data, error];
}

export async function example7() {
const { data, error } = await client.api.vault.set({
  key: "api-keys",
  data: {
    value: "{\"api_key\": \"sk_test_123456\", \"encrypted\": true}",
    metadata: {
      filename: "api-keys.json",
      content_type: "application/json",
      created_by: "admin",
      purpose: "Production API keys",
    },
  },
});

return [data, error];
}

export async function example8() {
const { data, error } = await client.api.vault.getStats();

return [data, error];
}

export async function example9() {
const { data, error } = await client.api.vault.delete({
  key: "my-encrypted-notes",
});

return [data, error];
}

export async function example10() {
const { data, error } = await client.api.vault.clear();

return [data, error];
}
