// When things go wrong, in real headless Chromium: a photo that fails says
// why in plain words, offers Retry and never counts as in progress;
// Download all says what it left out; files that are no photo, empty or
// too large are refused with a word before uploading; the server's own
// refusal reads the same; and removing photos being processed stops the
// server's work, so the next photo starts at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ASTRONAUT, MESSI, SHOTS, chooseMadeFiles, external, openPage,
         settled } from './helpers.mjs';

const button = (page, name) => page.getByRole('button', { name, exact: true });

test('a failed photo says why, offers Retry and is counted as failed', async () => {
  const { page, errors } = await openPage();
  await page.setInputFiles('#file-input', [
    { name: 'astronaut.png', mimeType: 'image/png', buffer: await fs.readFile(ASTRONAUT) },
    { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is a note, not a JPEG') },
  ]);
  await settled(page, 2);
  const failed = page.locator('.card.failed');
  assert.equal(await failed.count(), 1);
  assert.match(await failed.locator('.status').textContent(),
               /Could not finish broken\.jpg\. This is not a photo faceveil can read \(JPEG, PNG, WebP, BMP, TIFF, HEIC\)/);
  assert.ok(await failed.getByRole('button', { name: 'Retry' }).isVisible());
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'failed.png'), fullPage: true });
  assert.equal(await page.textContent('#summary'), '2 photos: 1 done, 1 failed');

  // Download all saves the one that worked and says what it left out.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#download-all'),
  ]);
  assert.equal(download.suggestedFilename(), 'astronaut-anon.png');
  assert.match(await page.textContent('#left-out'),
               /Downloaded 1 photo\. Left out: broken\.jpg \(failed\)\./);

  // Retry tries again (and fails again, the file being what it is).
  await failed.getByRole('button', { name: 'Retry' }).click();
  await settled(page, 2);
  assert.equal(await page.textContent('#summary'), '2 photos: 1 done, 1 failed');
  assert.deepEqual(errors, []);
  await page.close();
});

test('no photo, empty and oversized files are refused with a word', async () => {
  const { page, errors } = await openPage();
  await chooseMadeFiles(page, () => [
    new File(['shopping list'], 'notes.txt', { type: 'text/plain' }),
    new File([], 'empty.jpg', { type: 'image/jpeg' }),
    new File([new Uint8Array((64 << 20) + 1)], 'huge.jpg', { type: 'image/jpeg' }),
  ]);
  const notices = await page.locator('#notices .notice span').allTextContents();
  assert.deepEqual(notices, [
    'notes.txt is not a photo faceveil can read (JPEG, PNG, WebP, BMP, TIFF, HEIC).',
    'empty.jpg is empty (0 bytes), so there is no photo in it.',
    'huge.jpg is larger than 64 MB, the most this server accepts.',
  ]);
  assert.equal(await page.locator('.card').count(), 0);
  assert.equal(await page.isVisible('#download-all'), false);
  await page.locator('#notices .notice button').first().click();
  assert.equal(await page.locator('#notices .notice').count(), 2, 'a notice can be dismissed');
  assert.deepEqual(errors, []);
  await page.close();
});

// Two 8000x6400 photos (51 MP each) made in the page: minutes of work on
// two cores between them.
function twoLargePhotos() {
  const make = async (seed) => {
    const canvas = new OffscreenCanvas(8000, 6400);
    const ctx = canvas.getContext('2d');
    const g = ctx.createLinearGradient(0, 0, 8000, 6400);
    g.addColorStop(0, `hsl(${seed * 90}, 60%, 40%)`);
    g.addColorStop(1, `hsl(${seed * 90 + 180}, 60%, 60%)`);
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, 8000, 6400);
    for (let i = 0; i < 400; i++) {
      ctx.fillStyle = `hsl(${(i * 37 + seed * 11) % 360}, 50%, ${30 + (i % 5) * 10}%)`;
      ctx.fillRect((i * 733) % 8000, (i * 389) % 6400, 120 + (i % 7) * 40, 90 + (i % 3) * 50);
    }
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
    return new File([blob], `large-${seed}.jpg`, { type: 'image/jpeg' });
  };
  return Promise.all([make(1), make(2)]);
}

test('removing photos being processed stops the work: the next starts at once', async () => {
  const { page, errors } = await openPage();
  await chooseMadeFiles(page, twoLargePhotos);
  // Both are being worked on: the page shows the server's progress.
  await page.waitForFunction(() => {
    const cards = [...document.querySelectorAll('.card')];
    return cards.length === 2 && cards.every(c => c.dataset.stage === 'detect');
  }, null, { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('.card .progress:not([hidden])'),
                             null, { timeout: 60_000 });
  assert.equal(await page.locator('.card .preview').first().isVisible(), false,
               'no picture (and no broken-image icon) before the first result');
  assert.match(await page.textContent('.card .status'), /^(Finding faces… \d+% of the photo searched|Finding faces…)$/);
  await button(page, 'Clear').click();
  assert.equal(await page.locator('.card').count(), 0);
  const start = Date.now();
  await page.setInputFiles('#file-input', MESSI);
  await settled(page, 1);
  const seconds = (Date.now() - start) / 1000;
  console.log(`# messi5 finished ${seconds.toFixed(2)} s after Clear`);
  assert.ok(seconds < 5, `the next photo finished in ${seconds.toFixed(2)} s after Clear`);
  assert.match(await page.textContent('.card .status'), /face.* found/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('no request left this machine', () => {
  assert.deepEqual(external, []);
});
