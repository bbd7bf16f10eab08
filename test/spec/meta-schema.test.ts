/**
 * The server's Ajv instances do not check the spec's schemas against the JSON Schema 2020-12 meta-schema (that check
 * was most of an operation's first request; src/http/spec-validator.ts). This is where it happens instead: every
 * schema the server compiles (components, request bodies, parameters, responses) is checked here.
 */
import { describe, expect, it } from 'vitest';
import { listOperations, loadSpec, resolveRef, type OpenApiDocument } from '../../src/spec/operations.js';
import { createSchemaCompiler } from '../../src/spec/schemas.js';

function metaSchemaProblems(spec: OpenApiDocument): string[] {
  // Ajv's defaults: `validateSchema: true`, so the components are checked when registered, and any other schema
  // that breaks the meta-schema throws when compiled.
  let compiler: ReturnType<typeof createSchemaCompiler>;
  try {
    compiler = createSchemaCompiler(spec);
  } catch (failure) {
    return [`components: ${(failure as Error).message}`];
  }
  const schemas: [string, object][] = [];
  for (const op of listOperations(spec)) {
    if (op.bodySchema) schemas.push([`${op.operationId} request body`, op.bodySchema]);
    for (const parameter of op.parameters) if (parameter.schema) schemas.push([`${op.operationId} parameter ${parameter.name}`, parameter.schema]);
    for (const [status, response] of Object.entries<any>(op.operation.responses)) {
      const schema = resolveRef(spec, response).content?.['application/json']?.schema;
      if (schema) schemas.push([`${op.operationId} ${status}`, schema]);
    }
  }
  const problems: string[] = [];
  for (const [where, schema] of schemas) {
    try {
      compiler.compile(schema);
    } catch (failure) {
      problems.push(`${where}: ${(failure as Error).message}`);
    }
  }
  return problems;
}

describe('the spec’s schemas', () => {
  it('are valid JSON Schema 2020-12, every one the server compiles', () => {
    expect(metaSchemaProblems(loadSpec())).toEqual([]);
  });

  it('are checked: a component or an operation’s own schema that breaks the meta-schema is named', () => {
    const brokenComponent = loadSpec();
    brokenComponent.components.schemas.User.properties.username.minLength = -1;
    expect(metaSchemaProblems(brokenComponent)).toEqual(['components: schema is invalid: data/$defs/User/properties/username/minLength must be >= 0']);
    const brokenParameter = loadSpec();
    brokenParameter.components.parameters.Limit.schema.maximum = 'many';
    expect(metaSchemaProblems(brokenParameter)).toContain('activity.list parameter limit: schema is invalid: data/maximum must be number');
  });
});
