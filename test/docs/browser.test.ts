/**
 * The HTML reference in a real browser: Debian's chromium, driven by playwright-core, opens /docs from the started
 * server, finds all 23 operations, sees no console error and no request leaving localhost, and saves a screenshot
 * in test-results/. `.ci/run` installs chromium, so CI always runs this; elsewhere it is skipped, saying how to
 * install it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { listOperations, loadSpec } from '../../src/spec/operations.js';
import { ROOT } from '../support/cli.js';
import { startServerProcess } from '../support/process.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`${CHROMIUM} is missing: the docs browser test is skipped (install it with: apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('the HTML reference at /docs', () => {
  it('shows all 23 operations, with no console error and no request outside localhost', async () => {
    const server = await startServerProcess();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const consoleErrors: string[] = [];
      const outside: string[] = [];
      page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      page.on('response', (response) => response.status() >= 400 && consoleErrors.push(`${response.status()} ${response.url()}`));
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (!['127.0.0.1', 'localhost'].includes(url.hostname) && !['data:', 'blob:', 'about:'].includes(url.protocol)) outside.push(request.url());
      });
      await page.goto(`${server.url}/docs`, { waitUntil: 'networkidle', timeout: 30_000 });

      // Redoc lists operations in its menu under their tags, one tag open at a time: open each, read what it lists.
      const seen = new Set<string>();
      const tagLinks = await page.$$eval('.menu-item-type-group > a', (nodes) => nodes.map((node) => node.getAttribute('href')!));
      const tagCount = tagLinks.length;
      for (const href of tagLinks) {
        await page.locator(`.menu-item-type-group > a[href="${href}"]`).click({ timeout: 10_000 });
        await page.waitForTimeout(300);
        for (const text of await page.$$eval('.menu-item-type-operation', (nodes) => nodes.map((node) => node.textContent ?? ''))) seen.add(text);
      }
      const menu = [...seen];
      const operations = listOperations(loadSpec());
      const found = operations.filter((op) => menu.some((item) => item === `${op.operation.summary}${op.method.toLowerCase()}`));

      // Opening an operation renders it: its path and its error codes are on the page.
      await page.locator('.menu-item-type-operation').last().click();
      await page.waitForFunction(() => document.body.innerText.includes('/api/v1/auth/tokens/{id}/remove-realm'), undefined, { timeout: 10_000 });

      mkdirSync(`${ROOT}test-results`, { recursive: true });
      await page.screenshot({ path: `${ROOT}test-results/docs.png` });
      console.log(`docs in chromium: ${found.length} of ${operations.length} operations in the menu, ${consoleErrors.length} console errors, ${outside.length} requests outside localhost`);
      expect(found.map((op) => op.operationId)).toEqual(operations.map((op) => op.operationId));
      expect(tagCount).toBe(5);
      expect(menu).toHaveLength(23);
      expect(consoleErrors).toEqual([]);
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});

if (!hasChromium) it.skip('the HTML reference at /docs (chromium missing: apt-get install -y chromium)', () => {});
