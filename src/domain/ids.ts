/**
 * New object ids: 24 lowercase hex characters, MongoDB's ObjectId layout (the seeds' id form): 4 bytes of seconds,
 * 5 random bytes drawn once per process, and a 3-byte counter. Unique without a random draw per id, which showed up
 * in the request profile as one of its largest costs (one id per activity record).
 */
import { randomBytes } from 'node:crypto';

const processPart = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);

export function newId(now = Date.now()): string {
  counter = (counter + 1) % 0x1000000;
  return (
    Math.floor(now / 1000)
      .toString(16)
      .padStart(8, '0') +
    processPart +
    counter.toString(16).padStart(6, '0')
  );
}
