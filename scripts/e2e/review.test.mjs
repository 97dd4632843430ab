// Reviewing a photo before sharing it, in real headless Chromium: compare
// with the original, hide the markers, Hide all / Show all / Undo, delete a
// drawn area, zoom and pan with numbered markers that keep their size, the
// list of faces, the keyboard (focus stays on a marker; marking an area),
// the threshold control, the sample photo, and the layout at 1366 and 390
// pixels wide (screenshots when E2E_SCREENSHOTS names a folder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ASTRONAUT, MESSI, SHOTS, external, openPage, settled } from './helpers.mjs';

const card = '.card';
const button = (page, name) => page.getByRole('button', { name, exact: true });

// Mean difference, inside the astronaut's face, between the picture the
// card shows and astronaut.png.
async function shownFaceDiff(page) {
  const original = (await fs.readFile(ASTRONAUT)).toString('base64');
  return page.evaluate(async (original) => {
    const pixels = async (source) => {
      const bitmap = await createImageBitmap(source, { colorSpaceConversion: 'none' });
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(bitmap, 0, 0);
      return ctx.getImageData(200, 100, 50, 50).data;
    };
    const bytes = Uint8Array.from(atob(original), (c) => c.charCodeAt(0));
    const [a, b] = [await pixels(document.querySelector('.card .preview')),
                    await pixels(new Blob([bytes]))];
    let sum = 0;
    for (let i = 0; i < a.length; i++) if (i % 4 !== 3) sum += Math.abs(a[i] - b[i]);
    return sum / (a.length * 3 / 4);
  }, original);
}

test('Show original, Hide markers, Hide all, Show all, Undo', async () => {
  const { page, errors } = await openPage();
  await page.setInputFiles('#file-input', ASTRONAUT);
  await settled(page, 1);
  const faces = await page.locator(`${card} .box.face`).count();
  assert.ok(faces >= 1);
  const preview = page.locator(`${card} .preview`);
  const anonymized = await preview.getAttribute('src');

  // Show original: the face shown is the face as it was.
  assert.ok(await shownFaceDiff(page) > 5, 'the preview hides the face');
  await button(page, 'Show original').click();
  assert.equal(await button(page, 'Show original').getAttribute('aria-pressed'), 'true');
  await page.waitForFunction(() => document.querySelector('.card .preview').complete);
  assert.ok(await shownFaceDiff(page) < 2, 'the original shows the face');
  await button(page, 'Show original').click();
  assert.equal(await preview.getAttribute('src'), anonymized);

  // Hide markers is a switch; the markers go and come back.
  const hideMarkers = page.getByRole('switch', { name: 'Hide markers' });
  await hideMarkers.click();
  assert.equal(await hideMarkers.getAttribute('aria-checked'), 'true');
  assert.equal(await page.locator(`${card} .box`).first().isVisible(), false);
  await hideMarkers.click();
  assert.ok(await page.locator(`${card} .box`).first().isVisible());

  // Show all keeps every face visible; Undo hides them again; Hide all too.
  assert.ok(await button(page, 'Undo').isDisabled(), 'nothing to undo yet');
  await button(page, 'Show all').click();
  await settled(page, 1);
  assert.equal(await page.locator(`${card} .box.face.kept`).count(), faces);
  assert.match(await page.textContent(`${card} .status`), /, 0 hidden\./);
  await button(page, 'Undo').click();
  await settled(page, 1);
  assert.equal(await page.locator(`${card} .box.kept`).count(), 0);
  assert.match(await page.textContent(`${card} .status`), new RegExp(`, ${faces} hidden\\.`));
  await page.locator(`${card} .box.face`).first().click();
  await settled(page, 1);
  assert.equal(await page.locator(`${card} .box.kept`).count(), 1);
  await button(page, 'Hide all').click();
  await settled(page, 1);
  assert.equal(await page.locator(`${card} .box.kept`).count(), 0);
  assert.ok(await button(page, 'Hide all').isDisabled(), 'all hidden already');
  assert.deepEqual(errors, []);
  await page.close();
});

test('zoom to 100% and pan; markers keep their size; the list of faces', async () => {
  const { page, errors } = await openPage({ width: 900, height: 800 });
  await page.setInputFiles('#file-input', MESSI);
  await settled(page, 1);
  const width = await page.evaluate(() => document.querySelector('.card .preview').naturalWidth);
  const num = page.locator(`${card} .box .num`).first();
  const before = await num.boundingBox();
  const stage = page.locator(`${card} .stage`);

  await page.getByRole('button', { name: /^Zoom in$/ }).click();
  await page.getByRole('button', { name: /^Zoom in$/ }).click();
  const zoomed = await page.evaluate(() => {
    const s = document.querySelector('.card .stage');
    return { scroll: s.scrollWidth, client: s.clientWidth,
             canvas: document.querySelector('.card .canvas').getBoundingClientRect().width };
  });
  assert.ok(zoomed.scroll > zoomed.client, `zoomed in, the photo pans (${JSON.stringify(zoomed)})`);
  const after = await num.boundingBox();
  assert.ok(Math.abs(after.height - before.height) < 1, 'the marker numbers keep their size');
  // Pan with the keyboard: the zoomed photo takes the focus.
  await stage.focus();
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.querySelector('.card .stage').scrollTop > 0);
  // Pan with the wheel.
  const box = await stage.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(200, 0);
  await page.waitForFunction(() => document.querySelector('.card .stage').scrollLeft > 0);

  await page.getByRole('button', { name: /^Zoom to 100%/ }).click();
  const canvasWidth = await page.evaluate(() =>
    document.querySelector('.card .canvas').getBoundingClientRect().width);
  assert.ok(Math.abs(canvasWidth - width) < 1.5, `100% is one photo pixel per pixel (${canvasWidth} vs ${width})`);
  // Ctrl + wheel (a touchpad pinch) zooms.
  await stage.evaluate((el) => {
    const r = el.getBoundingClientRect();
    el.dispatchEvent(new WheelEvent('wheel', { ctrlKey: true, deltaY: -300, bubbles: true,
      cancelable: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2 }));
  });
  const pinched = await page.evaluate(() =>
    document.querySelector('.card .canvas').getBoundingClientRect().width);
  assert.ok(pinched > canvasWidth * 1.2, `ctrl+wheel zooms in (${pinched})`);
  await button(page, 'Fit').click();
  const fit = await page.evaluate(() => {
    const s = document.querySelector('.card .stage');
    return s.scrollWidth <= s.clientWidth;
  });
  assert.ok(fit, 'Fit shows the whole photo');

  // The list names every face and its state.
  const found = await page.locator(`${card} .box.face`).count();
  await page.locator(`${card} .face-list summary`).click();
  const rows = await page.locator(`${card} .face-list li .label`).allTextContents();
  assert.equal(rows.length, found);
  assert.deepEqual(rows, rows.map((_, i) => `Face ${i + 1}: hidden`));
  await page.getByRole('button', { name: 'Show face 1', exact: true }).click();
  await settled(page, 1);
  assert.equal(await page.locator(`${card} .face-list li .label`).first().textContent(), 'Face 1: visible');
  assert.equal(await page.locator(`${card} .box.face`).first().getAttribute('aria-pressed'), 'false');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the keyboard: focus stays on a marker; mark and delete an area', async () => {
  const { page, errors } = await openPage();
  await page.setInputFiles('#file-input', ASTRONAUT);
  await settled(page, 1);
  const marker = page.locator(`${card} .box.face`).first();
  await marker.focus();
  await page.keyboard.press('Enter');
  await settled(page, 1);
  assert.equal(await marker.getAttribute('aria-pressed'), 'false');
  assert.ok(await marker.evaluate(el => el === document.activeElement),
            'focus stays on the marker after the preview is redrawn');
  await page.keyboard.press(' ');
  await settled(page, 1);
  assert.equal(await marker.getAttribute('aria-pressed'), 'true');
  assert.ok(await marker.evaluate(el => el === document.activeElement));

  // Mark area from the keyboard: a frame to move and size with the arrows.
  await button(page, 'Mark area').focus();
  await page.keyboard.press('Enter');
  const draft = page.locator(`${card} .draft.keyboard`);
  assert.ok(await draft.evaluate(el => el === document.activeElement), 'the new frame has the focus');
  const start = await draft.boundingBox();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Shift+ArrowRight');
  const moved = await draft.boundingBox();
  assert.ok(moved.x < start.x && moved.width > start.width, 'arrows move, Shift+arrows resize');
  await page.keyboard.press('Enter');
  await settled(page, 1);
  const region = page.locator(`${card} .box.region`);
  assert.equal(await region.count(), 1);
  assert.ok(await region.evaluate(el => el === document.activeElement), 'focus on the new area');
  assert.match(await page.textContent(`${card} .status`), /1 marked area hidden/);
  // Delete removes a drawn area (not only toggles it).
  await page.keyboard.press('Delete');
  await settled(page, 1);
  assert.equal(await region.count(), 0);
  assert.doesNotMatch(await page.textContent(`${card} .status`), /marked area/);
  await button(page, 'Undo').click();
  await settled(page, 1);
  assert.equal(await region.count(), 1, 'Undo brings the area back');
  await page.locator(`${card} .face-list summary`).click();
  await page.getByRole('button', { name: 'Delete area 1', exact: true }).click();
  await settled(page, 1);
  assert.equal(await region.count(), 0, 'the list deletes it too');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the threshold slider and number agree and follow the mode', async () => {
  const { page, errors } = await openPage();
  const settings = await page.evaluate(async () => (await (await fetch('/api/settings')).json()).settings);
  const mode = settings.find(s => s.name === 'mode');
  const threshold = settings.find(s => s.name === 'threshold');
  const read = () => page.evaluate(() => [document.querySelector('#setting-threshold').value,
                                          document.querySelector('#setting-threshold-number').value]);
  const [slider, number] = await read();
  assert.equal(Number(slider), Number(threshold.default), 'the slider holds the default exactly');
  assert.equal(slider, number);
  const other = Object.keys(mode.thresholds).find(m => m !== mode.default &&
      mode.thresholds[m] !== mode.thresholds[mode.default]);
  await page.selectOption('#setting-mode', other);
  const [s2, n2] = await read();
  assert.equal(Number(s2), Number(mode.thresholds[other].toFixed(3)));
  assert.equal(s2, n2);
  // Typing a number moves the slider; choosing the mode again restores
  // its measured value.
  await page.fill('#setting-threshold-number', '0.4');
  await page.press('#setting-threshold-number', 'Enter');
  assert.deepEqual(await read(), ['0.4', '0.4']);
  await page.selectOption('#setting-mode', mode.default);
  const [s3, n3] = await read();
  assert.equal(Number(s3), Number(threshold.default));
  assert.equal(s3, n3);
  // Back at the defaults, a photo's request carries no threshold.
  const query = page.waitForRequest(r => r.url().includes('/api/detect'));
  await page.setInputFiles('#file-input', ASTRONAUT);
  assert.doesNotMatch((await query).url(), /threshold/);
  await settled(page, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Try a sample photo, from the empty page', async () => {
  const { page, errors } = await openPage();
  assert.ok(await button(page, 'Try a sample photo').isVisible());
  assert.equal(await page.isVisible('#download-all'), false, 'no Download all on the empty page');
  assert.equal(await page.isVisible('#clear'), false, 'no Clear on the empty page');
  await button(page, 'Try a sample photo').click();
  await settled(page, 1);
  assert.equal(await page.textContent(`${card} .name`), 'sample-astronaut.jpg');
  assert.ok(await page.locator(`${card} .box.face`).count() >= 1, 'the sample face is found');
  assert.match(await page.textContent(`${card} .status`), /Took (\d+ ms|\d+\.\d s)\./);
  assert.equal(await button(page, 'Try a sample photo').isVisible(), false);
  assert.deepEqual(errors, []);
  await page.close();
});

// WCAG contrast of two CSS colours.
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test('layout at 1366, 800 and 390 pixels wide', async () => {
  for (const [width, height, name] of [[1366, 900, 'laptop-1366'], [800, 900, 'tablet-800'],
                                     [390, 844, 'phone-390']]) {
    const { page, errors } = await openPage({ width, height });
    await page.setInputFiles('#file-input', [MESSI, ASTRONAUT]);
    await settled(page, 2);
    await page.locator(`${card} .box.face`).first().click();
    await settled(page, 2);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= width, `no sideways scrolling at ${width}px (${scrollWidth})`);
    // Marker numbers are readable on any photo: their own background.
    for (const sel of ['.box.face:not(.kept) .num', '.box.face.kept .num']) {
      const [fg, bg] = await page.locator(`${card} ${sel}`).first().evaluate((el) => {
        const s = getComputedStyle(el);
        return [s.color, s.backgroundColor];
      });
      assert.ok(contrast(fg, bg) >= 4.5, `${sel} contrast ${contrast(fg, bg).toFixed(2)} at ${width}px`);
    }
    // Every button fits on one line (Remove does not wrap).
    const tall = await page.evaluate(() => [...document.querySelectorAll('.card button')]
        .filter(b => b.offsetParent && !b.classList.contains('box') &&
                     b.getBoundingClientRect().height > 44).map(b => b.textContent));
    assert.deepEqual(tall, []);
    // Visual order is the focus order: settings, drop area, photos. On a
    // phone the settings are one folded line above the photos.
    const order = await page.evaluate(() => ['#settings-title', '#drop', '.card'].map(
        s => document.querySelector(s).getBoundingClientRect().top));
    if (width <= 820) {
      assert.ok(order[0] < order[1] && order[1] < order[2], `top to bottom: ${order}`);
      assert.equal(await page.isVisible('#setting-mode'), false, 'folded on a phone');
      await page.click('#settings-panel > summary');
      assert.ok(await page.isVisible('#setting-mode'));
      await page.click('#settings-panel > summary');
    } else {
      assert.ok(await page.isVisible('#setting-mode'));
    }
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('no request left this machine', () => {
  assert.deepEqual(external, []);
});
