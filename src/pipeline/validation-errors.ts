/**
 * Turns schema validation issues into the error envelope: the field's own code where the spec ties one to it
 * (`x-error-code`, or `x-size-error-code` for a size limit) and the operation lists it, else
 * `MISSING_REQUIRED_FIELD` for a missing required field where listed, else `VALIDATION_ERROR`; `details` names
 * every problem.
 */
import { apiError, type ApiError, type ErrorDetail } from '../errors.js';
import { lists, type OperationPolicy } from '../spec/policy.js';
import type { ValidationIssue } from './types.js';

const LOCATIONS: Record<string, string> = { requestBody: 'body', query: 'query', path: 'path', header: 'header' };

function fieldOf(issue: ValidationIssue): string {
  const segments = issue.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (issue.keyword === 'required') segments.push(issue.params.missingProperty);
  if (issue.keyword === 'additionalProperties') segments.push(issue.params.additionalProperty);
  if (segments.length === 0) return 'request';
  segments[0] = LOCATIONS[segments[0]] ?? segments[0];
  return segments.join('.');
}

function messageOf(issue: ValidationIssue): string {
  if (issue.keyword === 'additionalProperties') return issue.instancePath.startsWith('/query') ? 'unknown query parameter' : 'unknown field';
  if (issue.keyword === 'required') return 'is required';
  return issue.message ?? 'is invalid';
}

function tiedCode(issue: ValidationIssue): string | undefined {
  const schema = issue.parentSchema ?? {};
  if (issue.keyword === 'x-max-serialized-bytes') return issue.params.code ?? schema['x-size-error-code'];
  return schema['x-error-code'];
}

/** At most this many details in one answer; the validator stops collecting soon after (see MAX_ISSUES). */
const MAX_DETAILS = 100;
/** Field names and messages are cut to the ErrorDetail schema's bounds (an unknown name can be any length). */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function validationError(issues: ValidationIssue[], policy: OperationPolicy): ApiError {
  const details: ErrorDetail[] = [];
  // A Set keeps de-duplication linear in the number of issues (a body can carry tens of thousands of them).
  const seen = new Set<string>();
  for (const issue of issues) {
    if (details.length >= MAX_DETAILS) break;
    // Ajv also reports the failed `if`/`anyOf` wrapper of a failure it already named; those add nothing.
    if (issue.keyword === 'if' || issue.keyword === 'anyOf' || issue.keyword === 'oneOf') continue;
    const detail = { field: clip(fieldOf(issue), 300), message: clip(messageOf(issue), 500) };
    const key = `${detail.field}\u0000${detail.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push(detail);
  }
  const specific = issues.map(tiedCode).find((code) => code !== undefined && lists(policy, 400, code));
  const missing = issues.some((issue) => issue.keyword === 'required') && lists(policy, 400, 'MISSING_REQUIRED_FIELD') ? 'MISSING_REQUIRED_FIELD' : undefined;
  const code = specific ?? missing ?? 'VALIDATION_ERROR';
  return apiError(code, { details });
}
