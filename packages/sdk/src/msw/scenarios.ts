/**
 * Scenario selection shared by every mock this project ships (the MSW handlers here, and `npm run mock` in front of
 * Prism), so that one `Prefer` header means the same thing everywhere:
 *
 * - `Prefer: example=USER_NOT_FOUND` picks the answer whose example has that name (error examples are named after
 *   their code), with its status;
 * - `Prefer: code=404` picks the first answer with that status; both together must agree;
 * - nothing picks the operation's success example.
 *
 * A choice the operation does not document is refused with `400 VALIDATION_ERROR` in the API's envelope, whose
 * `details` list every choice the operation has, never with an answer under another status.
 */
import type { MockAnswer, MockOperation } from '../../../../generated/mock-spec.gen.js';

export type Scenario = { status?: number | undefined; example?: string | undefined };

/** `code=404, example=USER_NOT_FOUND` (Prism's syntax; other preferences such as `dynamic=true` are ignored). */
export function parsePrefer(header: string | null | undefined): Scenario {
  const scenario: Scenario = {};
  for (const part of (header ?? '').split(/[,;]/)) {
    const [key, value] = part.split('=').map((s) => s.trim().replace(/^"|"$/g, ''));
    if (key === 'code' && value) scenario.status = Number(value);
    if (key === 'example' && value) scenario.example = value;
  }
  return scenario;
}

export type ErrorEnvelope = { statusCode: number; error: string; code: string; message: string; details?: Array<{ field: string; message: string }> };
export type Selection = { answer: MockAnswer; refusal?: undefined } | { answer?: undefined; refusal: ErrorEnvelope };

export function selectAnswer(operationId: string, operation: MockOperation, scenario: Scenario): Selection {
  const { status, example } = scenario;
  const answer =
    status === undefined && example === undefined
      ? operation.answers.find((a) => a.status < 300)
      : operation.answers.find((a) => (status === undefined || a.status === status) && (example === undefined || a.name === example));
  if (answer) return { answer };
  const asked = [status === undefined ? '' : `code=${status}`, example === undefined ? '' : `example=${example}`].filter(Boolean).join(', ');
  return {
    refusal: {
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION_ERROR',
      message: `${operationId} documents no answer for "Prefer: ${asked}"; details lists the ones it does`.slice(0, 500),
      details: operation.answers.slice(0, 100).map((a) => ({ field: 'header.prefer', message: `code=${a.status}, example=${a.name}` })),
    },
  };
}

/** The operation a request is for, by method and path (`/api/v1/users/{id}` templates). */
export function matchOperation(
  operations: Record<string, MockOperation>,
  method: string,
  pathname: string,
): [string, MockOperation, Record<string, string>] | undefined {
  let best: [string, MockOperation, Record<string, string>, number] | undefined;
  for (const [operationId, operation] of Object.entries(operations)) {
    if (operation.method !== method.toUpperCase()) continue;
    const names: string[] = [];
    const pattern = operation.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => (names.push(name), '([^/]+)'));
    const match = new RegExp(`^${pattern.replace(/\/$/, '')}/?$`).exec(pathname);
    if (!match) continue;
    // A literal segment beats a template (`/auth/tokens/me` over `/auth/tokens/{id}`).
    if (!best || names.length < best[3]) {
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
      best = [operationId, operation, params, names.length];
    }
  }
  return best && [best[0], best[1], best[2]];
}
