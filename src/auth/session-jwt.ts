/** Session JWTs: HS256 with JWT_SECRET, claims `sub` (user id), `iat`, `exp`. */
import { errors, jwtVerify, SignJWT } from 'jose';

export type SessionVerdict = { ok: true; userId: string } | { ok: false; reason: 'expired' | 'invalid' };

export function sessionKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signSessionJwt(key: Uint8Array, userId: string, lifetimeSeconds = 24 * 3600, now = Date.now()): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + lifetimeSeconds)
    .sign(key);
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)$/;

/**
 * One token, one string: only unpadded base64url, and a signature whose spare bits are zero (re-encoding it gives it
 * back). jose would also accept `=` padding or other last characters that decode to the same bytes.
 */
function isCanonical(jwt: string): boolean {
  const signature = COMPACT_JWS.exec(jwt)?.[1];
  return signature !== undefined && Buffer.from(signature, 'base64url').toString('base64url') === signature;
}

/**
 * Verifies session JWTs with jose. The key is imported once (jose would import a raw key on every call), and a
 * verified JWT is remembered until it expires (bounded to `cacheSize` entries): a JWT's signature cannot change, so
 * verifying the same one again only costs an HMAC on the thread pool. Expiry is still checked on every use.
 */
export class SessionVerifier {
  private key: Promise<CryptoKey>;
  private verified = new Map<string, { userId: string; expiresAtMs: number }>();

  constructor(
    secret: string,
    private readonly cacheSize = 10_000,
  ) {
    this.key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret) as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
  }

  async verify(jwt: string, nowMs = Date.now()): Promise<SessionVerdict> {
    // Only canonical JWTs are remembered, so a remembered one needs no second look.
    const known = this.verified.get(jwt);
    if (known) {
      if (known.expiresAtMs > nowMs) return { ok: true, userId: known.userId };
      this.verified.delete(jwt);
      return { ok: false, reason: 'expired' };
    }
    if (!isCanonical(jwt)) return { ok: false, reason: 'invalid' };
    try {
      const { payload } = await jwtVerify(jwt, await this.key, { algorithms: ['HS256'], requiredClaims: ['sub', 'iat', 'exp'], currentDate: new Date(nowMs) });
      if (typeof payload.sub !== 'string') return { ok: false, reason: 'invalid' };
      if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(jwt, { userId: payload.sub, expiresAtMs: payload.exp! * 1000 });
      return { ok: true, userId: payload.sub };
    } catch (failure) {
      return { ok: false, reason: failure instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}
