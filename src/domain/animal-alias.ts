/** Random token aliases ("Curious Otter 4821") for tokens created without one; they match the alias pattern. */
import { randomInt } from 'node:crypto';

const ADJECTIVES = ['Brave', 'Calm', 'Clever', 'Curious', 'Eager', 'Gentle', 'Happy', 'Lucky', 'Nimble', 'Quiet', 'Swift', 'Witty'];
const ANIMALS = ['Badger', 'Falcon', 'Fox', 'Heron', 'Koala', 'Lynx', 'Otter', 'Owl', 'Panda', 'Puffin', 'Seal', 'Wolf'];

export function randomAnimalAliases(count: number): string[] {
  return Array.from({ length: count }, () => `${ADJECTIVES[randomInt(ADJECTIVES.length)]} ${ANIMALS[randomInt(ANIMALS.length)]} ${randomInt(1000, 10000)}`);
}
