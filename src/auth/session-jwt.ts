/** Session JWTs: HS256 with JWT_SECRET, claims `sub` (user id), `iat`, `exp`. */
import { errors, jwtVerify, SignJWT } from 'jose';

export type SessionClaims = { userId: string };
export type SessionVerdict = { ok: true; userId: string } | { ok: false; reason: 'expired' | 'invalid' };

export function sessionKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signSessionJwt(key: Uint8Array, userId: string, lifetimeSeconds = 24 * 3600, now = Date.now()): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(userId).setIssuedAt(issuedAt).setExpirationTime(issuedAt + lifetimeSeconds).sign(key);
}

export async function verifySessionJwt(key: Uint8Array, jwt: string): Promise<SessionVerdict> {
  try {
    const { payload } = await jwtVerify(jwt, key, { algorithms: ['HS256'], requiredClaims: ['sub', 'iat', 'exp'] });
    return typeof payload.sub === 'string' ? { ok: true, userId: payload.sub } : { ok: false, reason: 'invalid' };
  } catch (failure) {
    return { ok: false, reason: failure instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
