/**
 * hey-api codegen: types and the SDK from the bundled spec into generated/client/.
 *
 * The SDK plugin nests methods by operationId (`users.get` -> `Users.get`) and takes path and query parameters
 * flat. Its flat signature names a `$ref` request body after the schema (`updateUserRequest`); wrapping every body
 * schema in a one-item `allOf` makes it name every body `body`, so that src/sdk/ can expose it as `data` (the seeds'
 * call shape) with one generic rename instead of a per-operation table.
 */
import { defineConfig } from '@hey-api/openapi-ts';

export default defineConfig({
  input: './generated/openapi.json',
  output: { path: './generated/client', importFileExtension: '.js' },
  parser: {
    patch: {
      operations: (_method, _path, operation) => {
        const media = (operation as { requestBody?: { content?: Record<string, { schema?: object }> } }).requestBody?.content?.['application/json'];
        if (media?.schema) media.schema = { allOf: [media.schema] };
      },
    },
  },
  plugins: [
    '@hey-api/client-fetch',
    '@hey-api/typescript',
    {
      name: '@hey-api/sdk',
      operations: { strategy: 'single', containerName: 'HoodyApi', nesting: 'operationId' },
      paramsStructure: 'flat',
    },
  ],
});
