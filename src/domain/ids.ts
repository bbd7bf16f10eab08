/**
 * New object ids: 24 lowercase hex characters, MongoDB's ObjectId layout (the seeds' id form): 4 bytes of seconds,
 * 5 random bytes drawn once per process, and a 3-byte counter. Unique without a random draw per id, which showed up
 * in the request profile as one of its largest costs (one id per activity record). Written as one hex encoding of
 * the 12 bytes, which makes one flat string: joined from parts, an id was a tree of five strings, and the memory
 * store keeps one per activity record.
 */
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';

const bytes = Buffer.alloc(12);
randomBytes(5).copy(bytes, 4);
let counter = randomBytes(3).readUIntBE(0, 3);

export function newId(now = Date.now()): string {
  counter = (counter + 1) % 0x1000000;
  bytes.writeUInt32BE(Math.floor(now / 1000) % 2 ** 32, 0);
  bytes.writeUIntBE(counter, 9, 3);
  return bytes.toString('hex');
}
