// faceveil serve's page in real headless Chromium: upload a photo, see the
// face marked, keep the face visible, mark an area by hand, download, and
// check the downloaded pixels; download all as a zip (the layout at several
// widths is in review.test.mjs). Run by run.sh, which starts the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ASTRONAUT, MESSI, SHOTS, WORK, external, meanDiffs, openPage,
         settled } from './helpers.mjs';

// Rectangles in astronaut.png (512x512) pixels: inside the face, an area of
// plain background we mark by hand, and background left alone.
const FACE_CORE = [200, 100, 50, 50];
const DRAWN = [20, 380, 120, 100];
const DRAWN_CORE = [30, 390, 100, 80];
const UNTOUCHED = [440, 300, 60, 60];

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
  assert.match(await page.textContent('#drop-help'), /HEIC/);
  // Help in plain words, not command-line wording.
  const helps = await page.$$eval('.field .help', (h) => h.map((x) => x.textContent));
  assert.ok(helps.length > 5);
  for (const help of helps) assert.doesNotMatch(help, /--|\bstdout\b|\bCLI\b/, help);
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

test('no request left this machine', () => {
  assert.deepEqual(external, []);
});
