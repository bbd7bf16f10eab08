/**
 * What the seed pages (the platform's published API documentation the spec was written from) say, as data:
 * test/fixtures/seed-facts.json holds which error codes each page's tables put on which operation and status (with
 * the Users page's texts), and the endpoints, parameters and request fields each page documents. The tests compare
 * the spec and the generated docs against it; nothing outside the repo is read.
 */
import { readFileSync } from 'node:fs';
import { ROOT } from './cli.js';

export type SeedPage = 'users' | 'authTokens' | 'realms';
export type SeedErrorRow = {
  page: SeedPage;
  method: string;
  path: string;
  status: number;
  code: string;
  title?: string;
  description?: string;
  resolution?: string;
};
export type SeedSection = { page: SeedPage; method: string; path: string; parameters: Array<{ name: string; in: string }>; fields: string[] };

const facts = JSON.parse(readFileSync(`${ROOT}test/fixtures/seed-facts.json`, 'utf8')) as { errorRows: SeedErrorRow[]; sections: SeedSection[] };

export const seedErrorRows = (page?: SeedPage) => facts.errorRows.filter((row) => page === undefined || row.page === page);
export const seedSections = (page: SeedPage) => facts.sections.filter((section) => section.page === page);
