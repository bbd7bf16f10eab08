/**
 * What the spec says about each operation beyond its schemas, read once at start: the permission a token needs,
 * the other `x-` rules, the body limit, and the error codes each status may carry. The server enforces exactly this,
 * so a rule changes in the spec, not in code.
 */
import type { ErrorCode } from '../../generated/error-codes.gen.js';
import { listOperations, resolveRef, type OpenApiDocument } from './operations.js';

/** A token's permissions, `{ resource: { action: true } }`, as the spec's templates and `x-permission` describe them. */
export type PermissionMap = Record<string, Record<string, boolean>>;

export type OperationPolicy = {
  operationId: string;
  method: string;
  path: string;
  /** `resource.action` a token needs, or null for none. */
  permission: string | null;
  vaultAccess: boolean;
  tokenOnly: boolean;
  /** `x-banned-may-call-own`: the path parameter that, when it is a banned caller's own id, lets the call through. */
  bannedMayCallOwn: string | null;
  realmExempt: boolean;
  otpForSession: boolean;
  bodyLimitBytes: number;
  hasBody: boolean;
  /** Whether `realm_id` is a query parameter (it then names the active realm). */
  realmQuery: boolean;
  /** Status -> the codes the spec lists for it (`default` under 0). */
  errorCodes: Map<number, Set<string>>;
};

export type SpecPolicy = { operations: Map<string, OperationPolicy>; templates: Record<string, PermissionMap> };

export function readPolicy(spec: OpenApiDocument): SpecPolicy {
  const documentLimit: number = spec['x-body-limit-bytes'];
  const operations = new Map<string, OperationPolicy>();
  for (const op of listOperations(spec)) {
    const o = op.operation;
    const errorCodes = new Map(
      [...op.errorCodes].map(([status, entries]) => [status === 'default' ? 0 : Number(status), new Set(entries.map((entry) => entry.code))]),
    );
    operations.set(op.operationId, {
      operationId: op.operationId,
      method: op.method,
      path: op.path,
      permission: o['x-permission'] ?? null,
      vaultAccess: o['x-vault-access'] === true,
      tokenOnly: o['x-token-only'] === true,
      bannedMayCallOwn: o['x-banned-may-call-own'] ?? null,
      realmExempt: o['x-realm-exempt'] === true,
      otpForSession: o['x-otp-for-session'] === true,
      bodyLimitBytes: o['x-body-limit-bytes'] ?? documentLimit,
      hasBody: Boolean(o.requestBody),
      realmQuery: op.parameters.some((p) => p.in === 'query' && p.name === 'realm_id'),
      errorCodes,
    });
  }
  return { operations, templates: spec.components.schemas.PermissionTemplate['x-template-permissions'] };
}

/** Whether the spec lists `code` for the operation and status (a listed code is a catalogue code). */
export function lists(policy: OperationPolicy, status: number, code: string): code is ErrorCode {
  return policy.errorCodes.get(status)?.has(code) ?? false;
}
