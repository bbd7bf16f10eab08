/**
 * Resolves the `Authorization` header to a caller: a session JWT or an API token (api-decisions.md section 3).
 * A token with a bad checksum is refused before any store lookup.
 */
import { apiError } from '../errors.js';
import type { Store, TokenRecord, UserRecord } from '../store/types.js';
import { digestApiToken, digestsEqual, isWellFormedApiToken, looksLikeApiToken } from './api-tokens.js';
import type { SessionVerifier } from './session-jwt.js';

/** Who makes a request: the user, and the API token used when it was not a session JWT. */
export type Caller = {
  user: UserRecord;
  /** The API token used, when the request was not made with a session JWT. */
  token?: TokenRecord;
};

const invalid = () => apiError('INVALID_TOKEN');
const expired = () => apiError('TOKEN_EXPIRED');

export async function authenticate(header: string | undefined, store: Store, sessions: SessionVerifier, now: Date): Promise<Caller> {
  if (!header) throw apiError('MISSING_TOKEN');
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  if (!match) throw apiError('UNAUTHORIZED');
  const credential = match[1];

  if (looksLikeApiToken(credential)) {
    if (!isWellFormedApiToken(credential)) throw invalid();
    const digest = digestApiToken(credential);
    const token = await store.findTokenByDigest(digest);
    if (!token || !digestsEqual(token.token_digest, digest) || !token.is_enabled) throw invalid();
    if (token.expires_at !== null && token.expires_at <= now.toISOString()) throw expired();
    const user = await store.getUser(token.user_id);
    if (!user) throw invalid();
    return { user, token };
  }

  const verdict = await sessions.verify(credential, now.getTime());
  if (!verdict.ok) throw verdict.reason === 'expired' ? expired() : invalid();
  const user = await store.getUser(verdict.userId);
  if (!user) throw invalid();
  return { user };
}
