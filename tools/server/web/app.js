// faceveil's page: drop photos, review the faces found, download the
// anonymized copies. Everything goes to this page's own server (the
// faceveil program on this machine) and nowhere else.
import { makeZip } from './zip.js';
import { setupReview, refreshReview } from './review.js';
import { setupPeople, setMatchDistance, applyPeopleTo, clearPeople, renderPeople } from './people.js';

const $ = (selector, root = document) => root.querySelector(selector);

// Presentation hints for numeric settings; the server checks the values.
// The threshold's step is fine enough for every measured default (0.84,
// CrowdNet's 0.425).
const SLIDERS = {
  threshold: { min: 0.05, max: 0.95, step: 0.005 },
  strength: { min: 0.8, max: 4, step: 0.1 },
  'mask-scale': { min: 1, max: 4, step: 0.05 },
  quality: { min: 1, max: 100, step: 1 },
};
// Labels and help in a person's words; the server's help (written for the
// command line) is the fallback for settings not named here.
const WORDS = {
  mode: ['How hard to look',
         'Single and fast suit portraits; balanced and thorough also find small faces in crowds, and take longer. Choosing one also sets its measured sensitivity.'],
  model: ['Face model', 'Full finds faces near and far; full-sparse is quicker; short is for faces close to the camera.'],
  threshold: ['Sensitivity', 'Lower finds more faces, and more things that are not faces.'],
  style: ['Hide with', 'Blur, large blocks, or a solid colour.'],
  shape: ['Shape', 'A box, or an oval around the head.'],
  strength: ['Strength', '1 already makes a face unrecognisable; higher hides more.'],
  'mask-scale': ['Size', 'How far the mask reaches past the face found; the default also covers hair line, ears and chin.'],
  color: ['Fill colour', 'Used when hiding with a solid colour.'],
  outline: ['Outline hidden faces', 'Draws a green line around each hidden face.'],
  format: ['Save as', '"same" keeps the photo\'s own format (HEIC is saved as JPEG).'],
  quality: ['JPEG/WebP quality', 'Higher keeps more detail and makes larger files.'],
  'keep-metadata': ['Keep photo details', 'none removes everything hidden in the file; safe keeps only the date and the camera model. Location is never kept.'],
};
const MAIN = new Set(['mode', 'model', 'threshold', 'style', 'shape', 'strength']);
const COLOR_NAMES = { black: '#000000', white: '#ffffff', gray: '#808080',
                      grey: '#808080' };
// Photos processed at once; the server queues beyond its own bound anyway.
const PARALLEL = 2;
const FORMATS = 'JPEG, PNG, WebP, BMP, TIFF, HEIC';
const STAGE_WORDS = {
  waiting: 'Waiting for the previous photos…', decode: 'Reading the photo…',
  detect: 'Finding faces…', anonymize: 'Hiding faces…', encode: 'Saving…',
};

const state = {
  settings: [],   // from GET /api/settings
  values: {},     // name → current text value
  maxUpload: 64 << 20,
  items: [],      // one per photo
  nextId: 1,
};

// ---------------------------------------------------------------- settings

function formatNumber(value) {
  return String(Number(Number(value).toFixed(3)));
}

function settingControl(setting) {
  const id = `setting-${setting.name}`;
  const wrap = document.createElement('div');
  wrap.className = 'field';
  const [labelText, helpText] = WORDS[setting.name] ?? [
    setting.name.replace('-', ' ').replace(/^./, c => c.toUpperCase()),
    setting.help.replace(/^./, c => c.toUpperCase()) + '.'];
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = labelText;
  const help = document.createElement('p');
  help.className = 'help';
  help.id = `${id}-help`;
  help.textContent = helpText;
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
    const number = document.createElement('input');
    number.type = 'number';
    Object.assign(number, { min: hint.min, max: hint.max, step: hint.step });
    number.className = 'number';
    number.id = `${id}-number`;
    number.setAttribute('aria-label', `${labelText} (number)`);
    // One value for both, as the slider holds it: what is shown is what
    // is sent.
    const show = (value) => {
      input.value = value;
      number.value = formatNumber(input.value);
      return number.value;
    };
    show(setting.default);
    input.addEventListener('input', () => { number.value = formatNumber(input.value); });
    input.addEventListener('change', () => setValue(setting, show(input.value)));
    number.addEventListener('change', () => setValue(setting, show(number.value)));
    wrap.show = show;
    const row = document.createElement('div');
    row.className = 'row';
    input.id = id;
    input.setAttribute('aria-describedby', help.id);
    row.append(input, number);
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
  const body = await response.json();
  state.settings = body.settings;
  if (body.max_upload_bytes > 0) state.maxUpload = body.max_upload_bytes;
  for (const s of state.settings) {
    const group = MAIN.has(s.name) ? `group-${s.group}` : 'group-more';
    const control = settingControl(s);
    $(`#${group}`).append(control);
    // Numbers are kept as the slider shows them, so that an untouched
    // slider still equals the server's default and is not sent.
    state.values[s.name] = control.show ? control.show(s.default) : s.default;
    if (control.show) s.default = state.values[s.name];
  }
}

function setValue(setting, value) {
  state.values[setting.name] = value;
  // A mode comes with its own measured threshold (the server applies it
  // too): choosing a mode always returns the threshold to it.
  if (setting.thresholds && value in setting.thresholds) {
    const field = $('#setting-threshold')?.closest('.field');
    const t = field?.show ? field.show(formatNumber(setting.thresholds[value]))
                          : formatNumber(setting.thresholds[value]);
    state.values.threshold = t;
  }
  $('#settings-error').hidden = true;
  for (const item of state.items) {
    if (setting.group === 'detect') {
      item.faces = null;  // find them again with the new detector settings
      item.history = [];
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

function isPhoto(file) {
  return /^image\/(jpeg|png|webp|bmp|tiff|heic|heif|x-ms-bmp)$/.test(file.type) ||
         /\.(jpe?g|png|webp|bmp|tiff?|heic|heif)$/i.test(file.name);
}

function sizeInWords(bytes) {
  const mb = bytes / (1 << 20);
  if (mb >= 1) return `${Number.isInteger(mb) || mb >= 100 ? mb.toFixed(0) : mb.toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

// A file refused before upload, told in a notice above the photos.
function notice(text) {
  const li = document.createElement('li');
  li.className = 'notice';
  const p = document.createElement('span');
  p.textContent = text;
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = 'Dismiss';
  close.addEventListener('click', () => li.remove());
  li.append(p, close);
  $('#notices').append(li);
}

function addFiles(files) {
  for (const file of files) {
    if (!isPhoto(file)) {
      notice(`${file.name} is not a photo faceveil can read (${FORMATS}).`);
      continue;
    }
    if (file.size === 0) {
      notice(`${file.name} is empty (0 bytes), so there is no photo in it.`);
      continue;
    }
    if (file.size > state.maxUpload) {
      notice(`${file.name} is larger than ${sizeInWords(state.maxUpload)}, the most this server accepts.`);
      continue;
    }
    const item = {
      id: state.nextId++, file, faces: null, regions: [], result: null,
      controller: null, version: 0, width: 0, height: 0, failed: null,
      history: [], elapsed: 0, originalUrl: URL.createObjectURL(file),
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
  $('.remove', card).setAttribute('aria-label', `Remove ${item.file.name}`);
  $('.remove', card).addEventListener('click', () => removeItem(item));
  $('.retry', card).addEventListener('click', () => {
    schedule(item);
    // The button hides while it runs; the focus goes to what it says.
    $('.status', card).focus();
  });
  item.card = card;
  setupReview(item, { schedule, snapshot });
  return card;
}

function removeItem(item) {
  item.removed = true;
  item.version++;
  item.controller?.abort();
  const at = queue.indexOf(item);
  if (at >= 0) queue.splice(at, 1);
  if (item.result) URL.revokeObjectURL(item.result.url);
  URL.revokeObjectURL(item.originalUrl);
  item.card.remove();
  state.items = state.items.filter(i => i !== item);
  renderPeople();
  updateBar();
}

function setStatus(item, text, failed = false) {
  const status = $('.status', item.card);
  status.textContent = text;
  status.classList.toggle('failed', failed);
}

// Remembers the faces' and areas' state before a change, for Undo.
function snapshot(item) {
  item.history.push({
    faces: item.faces?.map(f => f.hidden) ?? null,
    // Which chosen person decided each face (its badge), the state it had
    // before and the people it was taken back from (people.js), undone
    // with it.
    people: item.faces?.map(f => ({ person: f.person, before: f.before,
                                    optOut: f.optOut })) ?? null,
    regions: item.regions.map(r => ({ ...r })),
  });
  if (item.history.length > 100) item.history.shift();
}

// A small queue so that dropping 50 photos does not send 50 requests.
const queue = [];
let running = 0;

function schedule(item) {
  if (item.removed) return;
  item.version++;
  item.controller?.abort();
  item.failed = null;
  item.card.classList.remove('failed');
  $('.retry', item.card).hidden = true;
  item.card.classList.add('loading');
  if (!queue.includes(item)) queue.push(item);
  refreshReview(item);
  pump();
  updateBar();
}

function pump() {
  while (running < PARALLEL && queue.length) {
    const item = queue.shift();
    running++;
    process(item).finally(() => { running--; pump(); updateBar(); });
  }
}

// What went wrong, in words for the card.
async function apiError(response) {
  let message = '';
  try {
    message = (await response.json()).error || '';
  } catch { /* not JSON */ }
  if (message) return message;
  if (response.status === 413) return `This photo is larger than ${sizeInWords(state.maxUpload)}, the most this server accepts.`;
  if (response.status === 503) return 'The server is busy with other photos; try again in a moment.';
  return `The server answered with an error (HTTP ${response.status}).`;
}

function newJobId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return [...bytes].map(b => b.toString(16).padStart(2, '0')).join('');
}

// One request, with progress shown from GET /api/progress while it runs.
async function post(item, path, body, signal) {
  const job = newJobId();
  const bar = $('.progress', item.card);
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      await new Promise(r => setTimeout(r, 300));
      if (stopped) break;
      try {
        const r = await fetch(`/api/progress?job=${job}`, { signal });
        if (!r.ok || stopped) continue;
        const p = await r.json();
        if (stopped) break;
        const words = STAGE_WORDS[p.stage] ?? 'Working…';
        if (p.stage === 'detect' && p.fraction > 0) {
          setStatus(item, `${words} ${Math.round(p.fraction * 100)}% of the photo searched`);
          bar.hidden = false;
          bar.value = p.fraction;
        } else {
          setStatus(item, words);
        }
        item.card.dataset.stage = p.stage;
      } catch { break; }
    }
  };
  poll();
  try {
    return await fetch(`${path}${settingsQuery()}`, {
      method: 'POST', body, signal, headers: { 'X-Faceveil-Job': job } });
  } finally {
    stopped = true;
  }
}

async function process(item) {
  const version = item.version;
  const controller = new AbortController();
  item.controller = controller;
  const started = performance.now();
  const bar = $('.progress', item.card);
  try {
    for (let attempt = 0; ; attempt++) {
      let response;
      if (!item.faces) {
        setStatus(item, 'Finding faces…');
        const body = new FormData();
        body.append('image', item.file, item.file.name);
        // Each face's embedding, to match people across the photos, and
        // whether it can be a person to keep or hide (the server's gate).
        body.append('embed', '1');
        response = await post(item, '/api/detect', body, controller.signal);
        if (response.ok) {
          const report = await response.json();
          if (version !== item.version) return;
          item.width = report.width;
          item.height = report.height;
          item.faces = report.faces.map((face, i) => (
              { face, hidden: true, embedding: report.embeddings?.[i] ?? null,
                reference: report.references?.[i] === true }));
          setMatchDistance(report.match_distance);
          applyPeopleTo(item);
        }
      }
      if (!response || response.ok) {
        setStatus(item, 'Hiding faces…');
        const body = new FormData();
        body.append('image', item.file, item.file.name);
        body.append('faces', JSON.stringify(
            item.faces.filter(f => f.hidden).map(f => f.face)));
        body.append('regions', JSON.stringify(
            item.regions.filter(r => r.hidden).map(r => r.box)));
        response = await post(item, '/api/anonymize', body, controller.signal);
      }
      if (response.status === 503 && attempt < 20) {
        // Busy: wait as told and try again, as a person would.
        const wait = Number(response.headers.get('Retry-After')) || 2;
        setStatus(item, STAGE_WORDS.waiting);
        await new Promise(r => setTimeout(r, wait * 1000));
        if (version !== item.version) return;
        continue;
      }
      if (!response.ok) throw new Error(await apiError(response));
      const blob = await response.blob();
      if (version !== item.version) return;  // a newer render is queued
      const name = downloadName(response) || `${item.file.name}-anon`;
      if (item.result) URL.revokeObjectURL(item.result.url);
      item.result = { blob, url: URL.createObjectURL(blob), name };
      item.elapsed = performance.now() - started;
      showResult(item);
      return;
    }
  } catch (error) {
    if (error.name === 'AbortError' || version !== item.version) return;
    fail(item, error.message);
  } finally {
    if (version === item.version) {
      item.card.classList.remove('loading');
      bar.hidden = true;
      delete item.card.dataset.stage;
      refreshReview(item);
    }
  }
}

function fail(item, message) {
  const text = /^[A-Z]/.test(message) ? message
      : `Something went wrong: ${message}`;
  item.failed = text;
  item.card.classList.add('failed');
  setStatus(item, `Could not finish ${item.file.name}. ${text}`, true);
  $('.retry', item.card).hidden = false;
  if (/setting|must be|unknown/i.test(message)) {
    const box = $('#settings-error');
    box.textContent = message;
    box.hidden = false;
  }
}

function downloadName(response) {
  const header = response.headers.get('Content-Disposition') || '';
  const match = /filename="([^"]+)"/.exec(header);
  return match ? match[1] : null;
}

function showResult(item) {
  const card = item.card;
  const link = $('.download', card);
  link.href = item.result.url;
  link.download = item.result.name;
  link.removeAttribute('aria-disabled');
  link.setAttribute('aria-label', `Download ${item.result.name}`);
  refreshReview(item);
  const hidden = item.faces.filter(f => f.hidden).length;
  const areas = item.regions.filter(r => r.hidden).length;
  const found = item.faces.length;
  let text = found === 0 ? 'No face found.'
      : `${found} face${found === 1 ? '' : 's'} found, ${hidden} hidden.`;
  if (areas) text += ` ${areas} marked area${areas === 1 ? '' : 's'} hidden.`;
  text += item.elapsed < 1000 ? ` Took ${Math.round(item.elapsed)} ms.`
                              : ` Took ${(item.elapsed / 1000).toFixed(1)} s.`;
  setStatus(item, text);
}

// --------------------------------------------------------------- downloads

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function updateBar() {
  const done = state.items.filter(i => i.result && !i.failed &&
                                       !i.card.classList.contains('loading'));
  const failed = state.items.filter(i => i.failed);
  const busy = state.items.length - done.length - failed.length;
  $('#bar').hidden = state.items.length === 0;
  $('#sample-row').hidden = state.items.length > 0;
  const parts = [`${done.length} done`];
  if (failed.length) parts.push(`${failed.length} failed`);
  if (busy) parts.push(`${busy} in progress`);
  $('#summary').textContent =
      `${plural(state.items.length, 'photo')}: ${parts.join(', ')}`;
  $('#download-all').disabled = done.length === 0;
  if (state.items.length === 0) $('#left-out').hidden = true;
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
  const done = state.items.filter(i => i.result && !i.failed &&
                                       !i.card.classList.contains('loading'));
  const left = state.items.filter(i => !done.includes(i));
  const note = $('#left-out');
  if (left.length) {
    const why = (i) => `${i.file.name} (${i.failed ? 'failed' : 'not ready yet'})`;
    note.textContent = `Downloaded ${plural(done.length, 'photo')}. Left out: ${left.map(why).join(', ')}.`;
    note.hidden = false;
  } else {
    note.hidden = true;
  }
  if (done.length === 0) return;
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

async function trySample() {
  const response = await fetch('/sample.jpg');
  if (!response.ok) return notice('The sample photo could not be loaded.');
  const blob = await response.blob();
  addFiles([new File([blob], 'sample-astronaut.jpg', { type: 'image/jpeg' })]);
}

async function main() {
  setupDrop();
  $('#download-all').addEventListener('click', downloadAll);
  $('#clear').addEventListener('click', () => {
    [...state.items].forEach(removeItem);
    clearPeople();
  });
  setupPeople({ items: () => state.items, change: (item, fn) => item.review.change(fn, false) });
  $('#try-sample').addEventListener('click', trySample);
  // On a phone the settings start folded, one line above the photos.
  if (matchMedia('(max-width: 820px)').matches) $('#settings-panel').open = false;
  try {
    await loadSettings();
  } catch (error) {
    const box = $('#settings-error');
    box.textContent = `Settings unavailable: ${error.message}`;
    box.hidden = false;
  }
  updateBar();
  document.body.dataset.ready = 'true';
}

main();
