// faceveil serve's page in real headless Chromium: upload a photo, see the
// face marked, keep the face visible, mark an area by hand, download, and
// check the downloaded pixels; download all as a zip; layout on a laptop
// and a phone. Run by run.sh, which starts the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import { chromium } from 'playwright-core';

const BASE = new URL(process.env.FACEVEIL_URL ?? 'http://127.0.0.1:8080/');
const TESTDATA = process.env.FACEVEIL_TESTDATA;
const WORK = process.env.E2E_WORK ?? os.tmpdir();
const SHOTS = process.env.E2E_SCREENSHOTS;  // a folder, during development
const ASTRONAUT = path.join(TESTDATA, 'astronaut.png');
const MESSI = path.join(TESTDATA, 'messi5.jpg');

// Rectangles in astronaut.png (512x512) pixels: inside the face, an area of
// plain background we mark by hand, and background left alone.
const FACE_CORE = [200, 100, 50, 50];
const DRAWN = [20, 380, 120, 100];
const DRAWN_CORE = [30, 390, 100, 80];
const UNTOUCHED = [440, 300, 60, 60];

let context;
const external = [];

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

async function openPage() {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(BASE.href);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, errors };
}

// Waits until every card has a finished preview.
async function settled(page, cards) {
  await page.waitForFunction((n) => {
    const all = document.querySelectorAll('.card');
    return all.length === n && [...all].every(
        (c) => !c.classList.contains('loading') &&
               !c.querySelector('.download').hasAttribute('aria-disabled'));
  }, cards);
}

// Mean absolute difference of two encoded images over rectangles, decoded
// by the browser without colour management.
async function meanDiffs(page, a, b, rects) {
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

test('settings controls come from the server', async () => {
  const { page, errors } = await openPage();
  await assert.doesNotReject(page.waitForSelector('#setting-style'));
  const styles = await page.$$eval('#setting-style option', (o) => o.map((x) => x.value));
  assert.deepEqual(styles, ['blur', 'pixelate', 'solid']);
  const models = await page.$$eval('#setting-model option', (o) => o.map((x) => x.value));
  assert.ok(models.includes('full'), models.join());
  assert.ok(await page.isVisible('#setting-strength'));
  assert.ok(await page.isVisible('#setting-threshold'));
  assert.ok(await page.isVisible('#setting-mode'));
  assert.match(await page.textContent('#privacy-note'), /Nothing leaves this computer/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('toggle the face off, mark an area, download and check pixels', async () => {
  const { page, errors } = await openPage();
  await page.setInputFiles('#file-input', ASTRONAUT);
  await settled(page, 1);
  const faces = page.locator('.card .box.face');
  assert.ok(await faces.count() >= 1, 'the face is marked');

  // The marker over the astronaut's face (the detector may mark others).
  const overlay = await page.locator('.card .overlay').boundingBox();
  const toScreen = (x, y) => [overlay.x + (x / 512) * overlay.width,
                              overlay.y + (y / 512) * overlay.height];
  const [fx, fy] = toScreen(225, 125);
  let faceIndex = -1;
  for (let i = 0; i < await faces.count(); i++) {
    const b = await faces.nth(i).boundingBox();
    if (fx > b.x && fx < b.x + b.width && fy > b.y && fy < b.y + b.height) faceIndex = i;
  }
  assert.ok(faceIndex >= 0, 'a marker covers the face');
  const face = faces.nth(faceIndex);
  assert.equal(await face.getAttribute('aria-pressed'), 'true');

  // Draw a rectangle over background: a "face" the detector missed.
  const [x0, y0] = toScreen(DRAWN[0], DRAWN[1]);
  const [x1, y1] = toScreen(DRAWN[0] + DRAWN[2], DRAWN[1] + DRAWN[3]);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
  await page.mouse.move(x1, y1, { steps: 4 });
  await page.mouse.up();
  await page.waitForSelector('.card .box.region');
  await settled(page, 1);

  // Keep the face visible.
  await face.click();
  await page.waitForSelector('.card .box.face.kept');
  await settled(page, 1);
  assert.equal(await page.locator('.card .box.face.kept').count(), 1);
  assert.match(await page.textContent('.card .status'), /1 marked area hidden/);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('.card .download'),
  ]);
  assert.equal(download.suggestedFilename(), 'astronaut-anon.png');
  const saved = path.join(WORK, 'one.png');
  await download.saveAs(saved);
  const [faceDiff, drawnDiff, untouchedDiff] = await meanDiffs(
      page, await fs.readFile(ASTRONAUT), await fs.readFile(saved),
      [FACE_CORE, DRAWN_CORE, UNTOUCHED]);
  assert.ok(faceDiff < 0.5, `the kept face is unchanged (diff ${faceDiff})`);
  assert.ok(drawnDiff > 5, `the drawn area is anonymized (diff ${drawnDiff})`);
  assert.ok(untouchedDiff < 0.5, `the background is unchanged (diff ${untouchedDiff})`);

  // Hide the face again: the preview follows.
  await face.click();
  await page.waitForFunction(() => !document.querySelector('.card .box.face.kept'));
  await settled(page, 1);
  const [again] = await Promise.all([
    page.waitForEvent('download'),
    page.click('.card .download'),
  ]);
  const saved2 = path.join(WORK, 'two.png');
  await again.saveAs(saved2);
  const [faceDiff2] = await meanDiffs(page, await fs.readFile(ASTRONAUT),
                                      await fs.readFile(saved2), [FACE_CORE]);
  assert.ok(faceDiff2 > 5, `the face is anonymized again (diff ${faceDiff2})`);

  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'laptop.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('download all as one zip', async () => {
  const { page, errors } = await openPage();
  await page.setInputFiles('#file-input', [ASTRONAUT, MESSI]);
  await settled(page, 2);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#download-all'),
  ]);
  const file = path.join(WORK, 'all.zip');
  await download.saveAs(file);
  const zip = await fs.readFile(file);
  assert.equal(zip.readUInt32LE(0), 0x04034b50, 'a zip local header first');
  const end = zip.length - 22;
  assert.equal(zip.readUInt32LE(end), 0x06054b50, 'an end record last');
  assert.equal(zip.readUInt16LE(end + 10), 2, 'two entries');
  // Walk the central directory for the names.
  let at = zip.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < 2; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50);
    const n = zip.readUInt16LE(at + 28);
    names.push(zip.subarray(at + 46, at + 46 + n).toString());
    at += 46 + n;
  }
  assert.deepEqual(names.sort(), ['astronaut-anon.png', 'messi5-anon.jpg']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('fits a phone screen and a laptop screen', async () => {
  for (const [width, height, name] of [[390, 844, 'phone'], [1280, 800, 'laptop-empty']]) {
    const { page, errors } = await openPage();
    await page.setViewportSize({ width, height });
    await page.setInputFiles('#file-input', MESSI);
    await settled(page, 1);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= width, `no sideways scrolling at ${width}px (${scrollWidth})`);
    assert.ok(await page.isVisible('#drop'));
    assert.ok(await page.isVisible('.card .download'));
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('no request left this machine', () => {
  assert.deepEqual(external, []);
});
