/**
 * A Redocly plugin: the `hoody/error-codes` decorator, applied by `redocly bundle hoody` (redocly.yaml), so the bundle
 * that everything reads comes out of Redocly's own pipeline in one step.
 *
 * For each error response it expands `x-error-codes` (code names, or objects overriding a text) from the catalogue in
 * openapi/error-codes.yaml, narrows the response schema's `code` to exactly those codes (so the SDK types `error.code`
 * as their union), and adds a named example per code the hand-written examples do not cover (so the mock can answer
 * any of them with `Prefer: example=<CODE>`). The codes are written once, in the spec; what derives from them is
 * derived here. Plain CommonJS because Redocly loads plugins without a TypeScript step.
 */
const { readFileSync } = require('node:fs');
const { STATUS_CODES } = require('node:http');
const { join } = require('node:path');
const { parse } = require('yaml');

const catalogue = parse(readFileSync(join(__dirname, '../../openapi/error-codes.yaml'), 'utf8'));

function expandCodes(listed, where) {
  return listed.map((item) => {
    const override = typeof item === 'string' ? { code: item } : item;
    const base = override.code ? catalogue[override.code] : undefined;
    if (!base) throw new Error(`${where}: error code ${String(override.code)} is not in openapi/error-codes.yaml`);
    return { code: override.code, ...base, ...override };
  });
}

function decorate(response, statusKey, where) {
  const entries = expandCodes(response['x-error-codes'], where);
  // `status` and `message` are the server's (generated/error-codes.gen.ts), not part of the published entry.
  response['x-error-codes'] = entries.map(({ status: _status, message: _message, ...entry }) => entry);
  const media = response.content && response.content['application/json'];
  if (!media) throw new Error(`${where}: an error response needs application/json content`);
  const codes = entries.map((entry) => entry.code);
  media.schema = { allOf: [media.schema, { type: 'object', required: ['code'], properties: { code: { enum: codes } } }] };

  const examples = (media.examples ??= {});
  const firstExample = Object.values(examples)[0];
  const declaredStatus = Number(statusKey) || (firstExample && firstExample.value && firstExample.value.statusCode);
  for (const entry of entries) {
    if (Object.values(examples).some((example) => example.value && example.value.code === entry.code)) continue;
    const status = entry.status ?? declaredStatus;
    if (!status) throw new Error(`${where}: cannot tell the status of ${entry.code}`);
    examples[entry.code] = { summary: entry.title, value: { statusCode: status, error: STATUS_CODES[status], code: entry.code, message: entry.title } };
  }
}

module.exports = function hoodyPlugin() {
  return {
    id: 'hoody',
    decorators: {
      oas3: {
        'error-codes': () => {
          // A shared component response is reached once per operation that references it; decorate it once.
          const done = new WeakSet();
          return {
            Response: {
              leave(response, ctx) {
                if (!response['x-error-codes'] || done.has(response)) return;
                done.add(response);
                decorate(response, ctx.key, `response ${String(ctx.key)}`);
              },
            },
          };
        },
      },
    },
  };
};
