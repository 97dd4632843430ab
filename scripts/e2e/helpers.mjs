// What the browser tests share: one headless Chromium per test file that
// may reach nothing but the server under test, a page opened on it, and
// waits and pixel checks. Run by run.sh, which starts the server.
import { before, after } from 'node:test';
import fs from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import { chromium } from 'playwright-core';

export const BASE = new URL(process.env.FACEVEIL_URL ?? 'http://127.0.0.1:8080/');
export const TESTDATA = process.env.FACEVEIL_TESTDATA;
export const WORK = process.env.E2E_WORK ?? os.tmpdir();
export const SHOTS = process.env.E2E_SCREENSHOTS;  // a folder, during development
export const ASTRONAUT = path.join(TESTDATA, 'astronaut.png');
export const MESSI = path.join(TESTDATA, 'messi5.jpg');

// Requests the page tried to send anywhere but its server.
export const external = [];
let context;

before(async () => {
  const profile = await fs.mkdtemp(path.join(WORK, 'profile-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.FACEVEIL_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
           '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
  });
  // The page must reach nothing but its own server.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === BASE.origin) return route.continue();
    external.push(url.href);
    return route.abort();
  });
});

after(async () => {
  await context?.close();
});

export async function openPage(viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // Chromium logs every failed request; an aborted upload is the point of
    // Remove, a refused photo the point of some tests, and the progress of a
    // request that has just ended is 404.
    if (m.type() === 'error' && !/ERR_ABORTED|status of (404|413|415|503)/.test(m.text())) errors.push(m.text());
  });
  await page.goto(BASE.href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
  return { page, errors };
}

// Waits until every card has a finished preview (or has failed).
export async function settled(page, cards, timeout = 60_000) {
  await page.waitForFunction((n) => {
    const all = document.querySelectorAll('.card');
    return all.length === n && [...all].every(
        (c) => !c.classList.contains('loading') &&
               (c.classList.contains('failed') ||
                !c.querySelector('.download').hasAttribute('aria-disabled')));
  }, cards, { timeout });
}

// Mean absolute difference of two encoded images over rectangles, decoded
// by the browser without colour management.
export async function meanDiffs(page, a, b, rects) {
  return page.evaluate(async ({ a, b, rects }) => {
    const decode = async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes]), {
        colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(bitmap, 0, 0);
      return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    };
    const [ia, ib] = [await decode(a), await decode(b)];
    if (ia.width !== ib.width || ia.height !== ib.height) return null;
    return rects.map(([x, y, w, h]) => {
      let sum = 0;
      for (let r = y; r < y + h; r++) {
        for (let c = x; c < x + w; c++) {
          const i = 4 * (r * ia.width + c);
          for (let k = 0; k < 3; k++) sum += Math.abs(ia.data[i + k] - ib.data[i + k]);
        }
      }
      return sum / (w * h * 3);
    });
  }, { a: a.toString('base64'), b: b.toString('base64'), rects });
}

// Puts files made in the page into the file input, as if chosen, so that
// large files need not cross from Node: `make(arg)` runs in the page and
// returns File objects (passed as a function, not as text, because the
// page's CSP forbids eval).
export async function chooseMadeFiles(page, make, arg) {
  await page.evaluate(async ({ files }) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(f);
    const input = document.querySelector('#file-input');
    input.files = dt.files;
    input.dispatchEvent(new Event('change'));
  }, { files: await page.evaluateHandle(make, arg) });
}
