/**
 * The copy of the bundled spec the HTML reference is built from, carrying what the Markdown pages carry, from the
 * same functions: per operation its permission line and code samples (`x-codeSamples`: curl and the SDK), per error
 * response its error-code table, the changelog; operations in the pages' order (each tag's `x-operations`), and one
 * sidebar entry per tag (the tag groups only lay out the Markdown pages).
 */
import { errorCodesTable, codeSamples, renderPermission, sdkSetupSource } from '../generate-api-docs.js';
import { listOperations, type OpenApiDocument } from '../../src/spec/operations.js';

type Json = Record<string, any>;

export function siteSpec(bundle: OpenApiDocument, changelog: string | undefined): OpenApiDocument {
  const spec = structuredClone(bundle);
  const operations = listOperations(spec);
  const setup = sdkSetupSource(spec);

  for (const op of operations) {
    const samples = codeSamples(spec, op);
    op.operation.description = `${op.operation.description.trimEnd()}\n\n${renderPermission(op)}`;
    op.operation['x-codeSamples'] = [
      // Redoc CE shows samples of its default languages only (curl, JavaScript, ...): the SDK's TypeScript goes
      // under JavaScript, labelled as what it is.
      { lang: 'curl', label: 'curl', source: samples.curl },
      { lang: 'JavaScript', label: 'SDK (TypeScript)', source: `${setup}\n\n${samples.sdk}` },
    ];
  }
  // Error-code tables: on the shared response components once, and on responses written inline.
  const tabled = new Set<Json>();
  for (const op of operations) {
    for (const response of Object.values<Json>(op.operation.responses)) {
      const target: Json = response.$ref ? spec.components.responses[response.$ref.split('/').pop()] : response;
      const codes: Json[] | undefined = target?.['x-error-codes'];
      if (!codes?.length || tabled.has(target)) continue;
      tabled.add(target);
      target.description = `${target.description.trimEnd()}\n\n${errorCodesTable(codes)}`;
    }
  }

  // Redoc lists a tag's operations in the order of `paths`: rebuild it in the pages' order.
  const order = (spec.tags as Json[]).flatMap((tag) => tag['x-operations'] ?? []);
  const rank = (operation: Json) => order.indexOf(operation.operationId);
  const paths = Object.entries<Json>(spec.paths).sort(([, a], [, b]) => Math.min(...operationsOf(a).map(rank)) - Math.min(...operationsOf(b).map(rank)));
  spec.paths = Object.fromEntries(
    paths.map(([path, item]) => [
      path,
      Object.fromEntries(Object.entries<Json>(item).sort(([, a], [, b]) => (a?.operationId ? rank(a) : -1) - (b?.operationId ? rank(b) : -1))),
    ]),
  );
  delete spec['x-tagGroups'];
  if (changelog) spec.info.description = `${spec.info.description.trimEnd()}\n\n## Changelog\n${changelog.replace(/^# Changelog\n/, '').replace(/^(#{2,}) /gm, '#$1 ')}`;
  return spec;
}

const operationsOf = (item: Json): Json[] => Object.values<Json>(item).filter((value) => value?.operationId);
