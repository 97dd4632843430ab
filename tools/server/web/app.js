// faceveil's page: drop photos, review the faces found, download the
// anonymized copies. Everything goes to this page's own server (the
// faceveil program on this machine) and nowhere else.
import { makeZip } from './zip.js';

const $ = (selector, root = document) => root.querySelector(selector);

// Presentation hints for numeric settings; the server checks the values.
const SLIDERS = {
  threshold: { min: 0.05, max: 0.95, step: 0.05 },
  strength: { min: 0.8, max: 4, step: 0.1 },
  'mask-scale': { min: 1, max: 4, step: 0.05 },
  quality: { min: 1, max: 100, step: 1 },
};
// Shown in the main panel; the rest go under "More settings".
const MAIN = new Set(['mode', 'model', 'threshold', 'style', 'shape', 'strength']);
const COLOR_NAMES = { black: '#000000', white: '#ffffff', gray: '#808080',
                      grey: '#808080' };
// Photos processed at once; the server queues beyond its own bound anyway.
const PARALLEL = 2;

const state = {
  settings: [],   // from GET /api/settings
  values: {},     // name → current text value
  items: [],      // one per photo
  nextId: 1,
};

// ---------------------------------------------------------------- settings

function settingControl(setting) {
  const id = `setting-${setting.name}`;
  const wrap = document.createElement('div');
  wrap.className = 'field';
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = setting.name.replace('-', ' ').replace(/^./, c => c.toUpperCase());
  const help = document.createElement('p');
  help.className = 'help';
  help.id = `${id}-help`;
  help.textContent = setting.help.replace(/^./, c => c.toUpperCase()) + '.';
  const choices = setting.value_name.split('|');
  let input;
  if (choices.length === 2 && choices.includes('true') && choices.includes('false')) {
    input = document.createElement('input');
    input.type = 'checkbox';
    input.checked = setting.default === 'true';
    wrap.classList.add('check');
    input.id = id;
    input.setAttribute('aria-describedby', help.id);
    wrap.append(input, label, help);
    input.addEventListener('change', () =>
      setValue(setting, input.checked ? 'true' : 'false'));
    return wrap;
  }
  if (choices.length > 1) {
    input = document.createElement('select');
    for (const choice of choices) {
      const option = document.createElement('option');
      option.value = option.textContent = choice;
      input.append(option);
    }
    input.value = setting.default;
    input.addEventListener('change', () => setValue(setting, input.value));
  } else if (setting.value_name === 'COLOR') {
    input = document.createElement('input');
    input.type = 'color';
    input.value = COLOR_NAMES[setting.default] || setting.default;
    input.addEventListener('change', () => setValue(setting, input.value));
  } else if (SLIDERS[setting.name]) {
    const hint = SLIDERS[setting.name];
    input = document.createElement('input');
    input.type = 'range';
    Object.assign(input, { min: hint.min, max: hint.max, step: hint.step });
    input.value = setting.default;
    const out = document.createElement('output');
    out.htmlFor = id;
    out.textContent = setting.default;
    input.addEventListener('input', () => { out.textContent = input.value; });
    input.addEventListener('change', () => setValue(setting, input.value));
    const row = document.createElement('div');
    row.className = 'row';
    input.id = id;
    input.setAttribute('aria-describedby', help.id);
    row.append(input, out);
    wrap.append(label, row, help);
    return wrap;
  } else {
    input = document.createElement('input');
    input.type = 'text';
    input.value = setting.default;
    input.addEventListener('change', () => setValue(setting, input.value.trim()));
  }
  input.id = id;
  input.setAttribute('aria-describedby', help.id);
  wrap.append(label, input, help);
  return wrap;
}

async function loadSettings() {
  const response = await fetch('/api/settings');
  if (!response.ok) throw new Error('the server did not send its settings');
  state.settings = (await response.json()).settings;
  for (const s of state.settings) {
    state.values[s.name] = s.default;
    const group = MAIN.has(s.name) ? `group-${s.group}` : 'group-more';
    $(`#${group}`).append(settingControl(s));
  }
}

function setValue(setting, value) {
  state.values[setting.name] = value;
  // A mode comes with its own measured threshold (the server applies it
  // too); show it unless the threshold was set by hand.
  if (setting.thresholds && !state.thresholdTouched && value in setting.thresholds) {
    const t = String(Math.round(setting.thresholds[value] * 100) / 100);
    state.values.threshold = t;
    const input = $("#setting-threshold");
    if (input) {
      input.value = t;
      input.parentElement.querySelector("output").textContent = t;
    }
  }
  if (setting.name === "threshold") state.thresholdTouched = true;
  $('#settings-error').hidden = true;
  for (const item of state.items) {
    if (setting.group === 'detect') {
      item.faces = null;  // find them again with the new detector settings
    }
    schedule(item);
  }
}

// Only settings that differ from the server's defaults are sent, so that
// requests share the server's default pipeline.
function settingsQuery() {
  const params = new URLSearchParams();
  for (const s of state.settings) {
    if (state.values[s.name] !== s.default) params.set(s.name, state.values[s.name]);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

// ------------------------------------------------------------------ photos

function addFiles(files) {
  const images = [...files].filter(f => f.type.startsWith('image/') ||
                                        /\.(heic|heif)$/i.test(f.name));
  for (const file of images) {
    const item = {
      id: state.nextId++, file, faces: null, regions: [], result: null,
      controller: null, version: 0, width: 0, height: 0,
    };
    item.card = createCard(item);
    state.items.push(item);
    $('#results').append(item.card);
    schedule(item);
  }
  updateBar();
}

function createCard(item) {
  const card = $('#card-template').content.firstElementChild.cloneNode(true);
  card.dataset.id = item.id;
  $('.name', card).textContent = item.file.name;
  $('.preview', card).alt = `Anonymized preview of ${item.file.name}`;
  $('.remove', card).addEventListener('click', () => removeItem(item));
  const mark = $('.mark', card);
  mark.addEventListener('click', () => {
    const on = mark.getAttribute('aria-pressed') !== 'true';
    mark.setAttribute('aria-pressed', String(on));
    card.classList.toggle('marking', on);
  });
  setupDrawing(item, $('.overlay', card));
  return card;
}

function removeItem(item) {
  item.controller?.abort();
  if (item.result) URL.revokeObjectURL(item.result.url);
  item.card.remove();
  state.items = state.items.filter(i => i !== item);
  updateBar();
}

function setStatus(item, text, failed = false) {
  const status = $('.status', item.card);
  status.textContent = text;
  status.classList.toggle('failed', failed);
}

// A small queue so that dropping 50 photos does not send 50 requests.
const queue = [];
let running = 0;

function schedule(item) {
  item.version++;
  item.controller?.abort();
  item.card.classList.add('loading');
  if (!queue.includes(item)) queue.push(item);
  pump();
}

function pump() {
  while (running < PARALLEL && queue.length) {
    const item = queue.shift();
    running++;
    process(item).finally(() => { running--; pump(); updateBar(); });
  }
}

async function apiError(response) {
  try {
    return (await response.json()).error || response.statusText;
  } catch {
    return `HTTP ${response.status}`;
  }
}

async function process(item) {
  const version = item.version;
  const controller = new AbortController();
  item.controller = controller;
  const query = settingsQuery();
  try {
    if (!item.faces) {
      setStatus(item, 'Finding faces…');
      const body = new FormData();
      body.append('image', item.file, item.file.name);
      const response = await fetch(`/api/detect${query}`, {
        method: 'POST', body, signal: controller.signal });
      if (!response.ok) throw new Error(await apiError(response));
      const report = await response.json();
      if (version !== item.version) return;
      item.width = report.width;
      item.height = report.height;
      item.faces = report.faces.map(face => ({ face, hidden: true }));
    }
    setStatus(item, 'Hiding faces…');
    const body = new FormData();
    body.append('image', item.file, item.file.name);
    body.append('faces', JSON.stringify(
        item.faces.filter(f => f.hidden).map(f => f.face)));
    body.append('regions', JSON.stringify(
        item.regions.filter(r => r.hidden).map(r => r.box)));
    const response = await fetch(`/api/anonymize${query}`, {
      method: 'POST', body, signal: controller.signal });
    if (!response.ok) throw new Error(await apiError(response));
    const blob = await response.blob();
    if (version !== item.version) return;  // a newer render is queued
    const name = downloadName(response) || `${item.file.name}-anon`;
    if (item.result) URL.revokeObjectURL(item.result.url);
    item.result = { blob, url: URL.createObjectURL(blob), name };
    showResult(item);
  } catch (error) {
    if (error.name === 'AbortError' || version !== item.version) return;
    setStatus(item, `Could not process this photo: ${error.message}`, true);
    if (/setting|must be|unknown/i.test(error.message)) {
      const box = $('#settings-error');
      box.textContent = error.message;
      box.hidden = false;
    }
  } finally {
    if (version === item.version) item.card.classList.remove('loading');
  }
}

function downloadName(response) {
  const header = response.headers.get('Content-Disposition') || '';
  const match = /filename="([^"]+)"/.exec(header);
  return match ? match[1] : null;
}

function showResult(item) {
  const card = item.card;
  const img = $('.preview', card);
  img.src = item.result.url;
  const link = $('.download', card);
  link.href = item.result.url;
  link.download = item.result.name;
  link.removeAttribute('aria-disabled');
  link.setAttribute('aria-label', `Download ${item.result.name}`);
  drawMarkers(item);
  const hidden = item.faces.filter(f => f.hidden).length;
  const areas = item.regions.filter(r => r.hidden).length;
  const found = item.faces.length;
  let text = found === 0 ? 'No face found.'
      : `${found} face${found === 1 ? '' : 's'} found, ${hidden} hidden.`;
  if (areas) text += ` ${areas} marked area${areas === 1 ? '' : 's'} hidden.`;
  setStatus(item, text);
}

// ----------------------------------------------------------------- markers

function placeBox(el, box, item) {
  const [x, y, w, h] = box;
  el.style.left = `${(100 * x) / item.width}%`;
  el.style.top = `${(100 * y) / item.height}%`;
  el.style.width = `${(100 * w) / item.width}%`;
  el.style.height = `${(100 * h) / item.height}%`;
}

function drawMarkers(item) {
  const overlay = $('.overlay', item.card);
  overlay.replaceChildren();
  const add = (entry, index, kind) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `box ${kind}${entry.hidden ? '' : ' kept'}`;
    const what = kind === 'face' ? `Face ${index + 1}` : `Area ${index + 1}`;
    button.dataset.label = entry.hidden ? `${what}: hidden` : `${what}: visible`;
    button.setAttribute('aria-pressed', String(entry.hidden));
    button.setAttribute('aria-label',
        `${what}, ${entry.hidden ? 'hidden' : 'visible'}. Press to ${entry.hidden ? 'show' : 'hide'} it.`);
    placeBox(button, kind === 'face' ? entry.face.box : entry.box, item);
    button.addEventListener('pointerdown', e => e.stopPropagation());
    button.addEventListener('click', () => {
      entry.hidden = !entry.hidden;
      schedule(item);
    });
    overlay.append(button);
  };
  item.faces.forEach((f, i) => add(f, i, 'face'));
  item.regions.forEach((r, i) => add(r, i, 'region'));
}

// Drag on the photo to mark an area the detector missed. Mouse and pen
// draw at any time; touch only in "Mark area" mode, so that a finger can
// still scroll the page.
function setupDrawing(item, overlay) {
  let start = null;
  let draft = null;
  const toImage = (event) => {
    const rect = overlay.getBoundingClientRect();
    const fx = Math.min(Math.max((event.clientX - rect.left) / rect.width, 0), 1);
    const fy = Math.min(Math.max((event.clientY - rect.top) / rect.height, 0), 1);
    return { x: fx * item.width, y: fy * item.height };
  };
  const boxOf = (a, b) => [Math.min(a.x, b.x), Math.min(a.y, b.y),
                           Math.abs(a.x - b.x), Math.abs(a.y - b.y)];
  overlay.addEventListener('pointerdown', (event) => {
    if (!item.width || event.button !== 0) return;
    if (event.pointerType === 'touch' && !item.card.classList.contains('marking')) return;
    start = toImage(event);
    draft = document.createElement('div');
    draft.className = 'draft';
    overlay.append(draft);
    overlay.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  overlay.addEventListener('pointermove', (event) => {
    if (!start) return;
    placeBox(draft, boxOf(start, toImage(event)), item);
  });
  const finish = (event, keep) => {
    if (!start) return;
    const box = boxOf(start, toImage(event));
    start = null;
    draft.remove();
    // Less than 1% of the image side is a click, not a drawn area.
    const min = Math.max(item.width, item.height) * 0.01;
    if (keep && box[2] >= min && box[3] >= min) {
      item.regions.push({ box: box.map(v => Math.round(v * 100) / 100), hidden: true });
      schedule(item);
    }
  };
  overlay.addEventListener('pointerup', e => finish(e, true));
  overlay.addEventListener('pointercancel', e => finish(e, false));
}

// --------------------------------------------------------------- downloads

function updateBar() {
  const done = state.items.filter(i => i.result);
  $('#bar').hidden = state.items.length === 0;
  const busy = state.items.length - done.length;
  $('#summary').textContent =
      `${state.items.length} photo${state.items.length === 1 ? '' : 's'}` +
      (busy ? `, ${busy} in progress` : ', all ready');
  $('#download-all').disabled = done.length === 0;
}

function uniqueNames(items) {
  const used = new Set();
  return items.map(item => {
    let name = item.result.name;
    const dot = name.lastIndexOf('.');
    for (let n = 2; used.has(name); n++) {
      name = `${item.result.name.slice(0, dot)}-${n}${item.result.name.slice(dot)}`;
    }
    used.add(name);
    return name;
  });
}

function save(url, name) {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

async function downloadAll() {
  const done = state.items.filter(i => i.result);
  if (done.length === 1) return save(done[0].result.url, done[0].result.name);
  const names = uniqueNames(done);
  const entries = await Promise.all(done.map(async (item, i) => ({
    name: names[i], data: new Uint8Array(await item.result.blob.arrayBuffer()),
  })));
  const url = URL.createObjectURL(makeZip(entries));
  save(url, 'faceveil-anonymized.zip');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// ------------------------------------------------------------------- start

function setupDrop() {
  const drop = $('#drop');
  const input = $('#file-input');
  drop.addEventListener('click', () => input.click());
  drop.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      input.click();
    }
  });
  input.addEventListener('change', () => { addFiles(input.files); input.value = ''; });
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (event) => {
      event.preventDefault();
      drop.classList.add('over');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    drop.addEventListener(type, () => drop.classList.remove('over'));
  }
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    addFiles(event.dataTransfer.files);
  });
  // A photo dropped beside the target must not make the browser navigate
  // away to it.
  window.addEventListener('dragover', e => e.preventDefault());
  window.addEventListener('drop', e => e.preventDefault());
}

async function main() {
  setupDrop();
  $('#download-all').addEventListener('click', downloadAll);
  $('#clear').addEventListener('click', () => [...state.items].forEach(removeItem));
  try {
    await loadSettings();
  } catch (error) {
    const box = $('#settings-error');
    box.textContent = `Settings unavailable: ${error.message}`;
    box.hidden = false;
  }
  document.body.dataset.ready = 'true';
}

main();
