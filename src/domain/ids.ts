/** New object ids: 24 lowercase hex characters (4 bytes of seconds, 8 random bytes), the seeds' id form. */
import { randomBytes } from 'node:crypto';

export function newId(now = Date.now()): string {
  const time = Math.floor(now / 1000).toString(16).padStart(8, '0');
  return time + randomBytes(8).toString('hex');
}
