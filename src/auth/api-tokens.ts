/**
 * API tokens: `hdy_` + 32 random base62 characters (~190 bits) + a 6-character base62 CRC-32 checksum of them.
 * The checksum lets the server reject a mistyped or forged token without a store lookup; only the SHA-256 digest of
 * the whole token is stored, so a leaked store yields no usable token.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

const TOKEN_PREFIX = 'hdy_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const TOKEN_PATTERN = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

function base62(value: number, length: number): string {
  let out = '';
  for (let rest = value; out.length < length; rest = Math.floor(rest / 62)) out = BASE62[rest % 62] + out;
  return out;
}

function checksum(random: string): string {
  return base62(crc32(random), CHECKSUM_LENGTH);
}

export function generateApiToken(): string {
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i += 1) random += BASE62[randomInt(62)];
  return TOKEN_PREFIX + random + checksum(random);
}

/** True when the text has the token shape and its checksum matches (no store lookup needed to reject it). */
export function isWellFormedApiToken(token: string): boolean {
  if (!TOKEN_PATTERN.test(token)) return false;
  const random = token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + RANDOM_LENGTH);
  const given = Buffer.from(token.slice(TOKEN_PREFIX.length + RANDOM_LENGTH));
  return timingSafeEqual(given, Buffer.from(checksum(random)));
}

export function looksLikeApiToken(credential: string): boolean {
  return credential.startsWith(TOKEN_PREFIX);
}

export function digestApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
