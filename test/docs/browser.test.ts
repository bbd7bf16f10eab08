/**
 * The HTML reference in a real browser: Debian's chromium, driven by playwright-core, opens /docs from the started
 * server, finds all 23 operations, sees no console error and no request leaving localhost, and saves a screenshot
 * in test-results/. `.ci/run` installs chromium, so CI always runs this; elsewhere it is skipped, saying how to
 * install it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listOperations, loadSpec } from '../../src/spec/operations.js';
import { ROOT } from '../support/cli.js';
import { startServerProcess } from '../support/process.js';
import { hasChromium, launchChromium, MISSING_CHROMIUM } from '../support/chromium.js';

if (!hasChromium) console.warn(`the docs browser test is skipped: ${MISSING_CHROMIUM}`);

describe.skipIf(!hasChromium)('the HTML reference at /docs', () => {
  it('shows all 23 operations, with no console error and no request outside localhost', async () => {
    const server = await startServerProcess();
    const browser = await launchChromium();
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
      const menuOrder: string[] = [];
      const tagNames = await page.$$eval('.menu-item-type-group > a', (nodes) => nodes.map((node) => (node.textContent ?? '').trim()));
      const tagLinks = await page.$$eval('.menu-item-type-group > a', (nodes) => nodes.map((node) => node.getAttribute('href')!));
      const tagCount = tagLinks.length;
      for (const href of tagLinks) {
        await page.locator(`.menu-item-type-group > a[href="${href}"]`).click({ timeout: 10_000 });
        await page.waitForTimeout(300);
        for (const text of await page.$$eval('.menu-item-type-operation', (nodes) => nodes.map((node) => node.textContent ?? ''))) {
          if (!seen.has(text)) menuOrder.push(text);
          seen.add(text);
        }
      }
      const menu = [...seen];
      const operations = listOperations(loadSpec());
      const found = operations.filter((op) => menu.some((item) => item === `${op.operation.summary}${op.method.toLowerCase()}`));

      // Opening an operation renders it with what the Markdown page has: the permission line, the curl and SDK
      // samples, and each error response's code table.
      await page.locator('.menu-item-type-operation').last().click();
      await page.waitForFunction(() => document.body.innerText.includes('/api/v1/auth/tokens/{id}/remove-realm'), undefined, { timeout: 10_000 });
      // Rendering follows a click asynchronously: wait (bounded) for each text, and report the ones that never came.
      const appears = (text: string) =>
        page.waitForFunction((t) => document.body.innerText.includes(t), text, { timeout: 10_000 }).then(
          () => undefined,
          () => text,
        );
      // Redoc keeps one tag open at a time: open users.get's.
      await page.locator('.menu-item-type-group > a', { hasText: 'User profile' }).first().click();
      await page.locator('.menu-item-type-operation', { hasText: 'Get a user profile' }).first().click({ timeout: 10_000 });
      const missing = [await appears('curl -X GET "https://api.hoody.com/api/v1/users/'), await appears('Permission (API tokens)')];
      await page.locator('button:not([role="tab"])', { hasText: /^\s*404/ }).first().click();
      missing.push(await appears('User not found\tThe requested user does not exist'));
      await page.locator('button[aria-haspopup="menu"]:visible', { hasText: /^curl$/ }).first().click();
      await page.locator('[role="menuitem"]:visible', { hasText: 'SDK (TypeScript)' }).first().click({ timeout: 10_000 });
      missing.push(await appears("import { createHoodyClient } from '@hoody/sdk'"), await appears('await client.api.users.get({'));
      const samplesAndTables = missing.filter(Boolean);

      // Accessibility: axe-core in the page, with every tag open and an operation shown.
      await page.addScriptTag({ content: readFileSync(`${ROOT}node_modules/axe-core/axe.min.js`, 'utf8') });
      const axe = (await page.evaluate(() => (window as any).axe.run(document, { resultTypes: ['violations'] }))) as { violations: Array<{ id: string; impact: string }> };
      const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order').map((v) => v.id);
      const landmarks = await page.evaluate(() => ({
        nav: Boolean(document.querySelector('[role="navigation"], nav')),
        main: Boolean(document.querySelector('[role="main"]#main-content')),
        skip: document.querySelector('a.hoody-skip-link')?.getAttribute('href') ?? null,
      }));

      mkdirSync(`${ROOT}test-results`, { recursive: true });
      await page.screenshot({ path: `${ROOT}test-results/docs.png` });
      console.log(`docs in chromium: ${found.length} of ${operations.length} operations in the menu, ${consoleErrors.length} console errors, ${outside.length} requests outside localhost`);
      expect(found.map((op) => op.operationId)).toEqual(operations.map((op) => op.operationId));
      expect(tagCount).toBe(5);
      expect(menu).toHaveLength(23);
      expect(consoleErrors).toEqual([]);
      expect(outside).toEqual([]);
      // One sidebar entry per tag, operations in the Markdown pages' order (each tag's x-operations).
      const tags = loadSpec().tags as Array<{ name: string; 'x-operations': string[] }>;
      expect(tagNames).toEqual(tags.map((tag) => tag.name));
      const markdownOrder = tags.flatMap((tag) => tag['x-operations']);
      expect(menuOrder.map((item) => operations.find((op) => item === `${op.operation.summary}${op.method.toLowerCase()}`)?.operationId)).toEqual(markdownOrder);
      expect(samplesAndTables).toEqual([]);
      expect(serious).toEqual([]);
      expect(landmarks).toEqual({ nav: true, main: true, skip: '#main-content' });
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});

if (!hasChromium) it.skip(`the HTML reference at /docs (${MISSING_CHROMIUM})`, () => {});
