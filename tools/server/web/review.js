// Reviewing one photo before it is shared: numbered markers over the faces
// found (press one to keep that face visible), areas drawn by hand (with
// the mouse, a finger in "Mark area" mode, or the keyboard), a list of
// everything with its state, Hide all / Show all / Undo, a comparison with
// the original, and zoom with pan. app.js owns the requests; this file
// changes item.faces and item.regions and asks for a new render.

import { addPerson, personOf, canChoose, tooUnclear, changedByHand, undone } from './people.js';

const $ = (selector, root) => root.querySelector(selector);
const ZOOM_STEP = 1.5;
const MAX_ZOOM = 8;

// Keeps `parent`'s children in the order of `keys`, reusing the element of
// a key that is already there (so that focus stays on it) and making new
// ones with `make(key)`.
function reconcile(parent, keys, make) {
  // Children without a key (a frame being drawn) are left alone.
  const existing = new Map([...parent.children].filter(el => el.dataset.key)
                               .map(el => [el.dataset.key, el]));
  const wanted = keys.map((key) => {
    const el = existing.get(key) ?? make(key);
    el.dataset.key = key;
    existing.delete(key);
    return el;
  });
  for (const el of existing.values()) el.remove();
  wanted.forEach((el, i) => {
    if (parent.children[i] !== el) parent.insertBefore(el, parent.children[i] ?? null);
  });
  return wanted;
}

function placeBox(el, box, item) {
  const [x, y, w, h] = box;
  el.style.left = `${(100 * x) / item.width}%`;
  el.style.top = `${(100 * y) / item.height}%`;
  el.style.width = `${(100 * w) / item.width}%`;
  el.style.height = `${(100 * h) / item.height}%`;
}

// Everything that can be hidden, in display order: faces as found, then
// the drawn areas.
function entries(item) {
  const faces = (item.faces ?? []).map((entry, i) => ({
    key: `f${i}`, entry, box: entry.face.box, kind: 'face', what: `Face ${i + 1}`,
    short: String(i + 1), index: i }));
  const areas = item.regions.map((entry, i) => ({
    key: `r${entry.id}`, entry, box: entry.box, kind: 'region', what: `Area ${i + 1}`,
    short: `A${i + 1}` }));
  return [...faces, ...areas];
}

export function setupReview(item, { schedule, snapshot }) {
  const card = item.card;
  const stage = $('.stage', card);
  const canvas = $('.canvas', card);
  const overlay = $('.overlay', card);
  const img = $('.preview', card);
  item.view = { zoom: null, original: false, markersOff: false };
  item.nextRegion = 1;

  // `byHand` false: a chosen person's change (people.js), which the
  // faces it turns do not leave their person for.
  const change = (fn, byHand = true) => {
    snapshot(item);
    const hidden = item.faces?.map(f => f.hidden);
    fn();
    if (byHand) changedByHand(item, hidden);
    schedule(item);
  };
  item.review = { change };

  // --- compare and markers
  const original = $('.show-original', card);
  original.addEventListener('click', () => {
    item.view.original = !item.view.original;
    refreshReview(item);
  });
  img.addEventListener('error', () => {
    if (!item.view.original) return;
    item.view.original = false;
    original.disabled = true;
    original.title = 'This browser cannot show the original of this photo';
    refreshReview(item);
  });
  const markers = $('.hide-markers', card);
  markers.addEventListener('click', () => {
    item.view.markersOff = !item.view.markersOff;
    refreshReview(item);
  });

  // --- edits
  $('.hide-all', card).addEventListener('click', () => change(() => {
    for (const { entry } of entries(item)) entry.hidden = true;
  }));
  $('.show-all', card).addEventListener('click', () => change(() => {
    for (const { entry } of entries(item)) entry.hidden = false;
  }));
  $('.undo', card).addEventListener('click', () => {
    const last = item.history.pop();
    if (!last) return;
    if (last.faces && item.faces) last.faces.forEach((h, i) => { if (item.faces[i]) item.faces[i].hidden = h; });
    const current = item.faces?.map(f => f.person) ?? [];
    if (last.people && item.faces) {
      last.people.forEach((p, i) => { if (item.faces[i]) Object.assign(item.faces[i], p); });
    }
    item.regions = last.regions;
    undone(item, current);
    schedule(item);
  });
  const mark = $('.mark', card);
  mark.addEventListener('click', (event) => {
    const on = mark.getAttribute('aria-pressed') !== 'true';
    mark.setAttribute('aria-pressed', String(on));
    card.classList.toggle('marking', on);
    if (on && event.detail === 0) keyboardDraft(item, mark);
    if (!on) item.cancelDraft?.();
  });

  // --- zoom and pan
  const zoomTo = (zoom, cx, cy) => {
    if (!item.width) return;
    const fit = stage.clientWidth / item.width;
    const rect = stage.getBoundingClientRect();
    // The image point under (cx, cy) stays there.
    const px = cx ?? rect.left + stage.clientWidth / 2;
    const py = cy ?? rect.top + stage.clientHeight / 2;
    const before = canvas.getBoundingClientRect();
    const fx = (px - before.left) / before.width;
    const fy = (py - before.top) / before.height;
    const z = zoom === null || zoom <= fit * 1.001 ? null : Math.min(zoom, MAX_ZOOM);
    item.view.zoom = z;
    refreshReview(item);
    const after = canvas.getBoundingClientRect();
    stage.scrollLeft += (after.left + fx * after.width) - px;
    stage.scrollTop += (after.top + fy * after.height) - py;
  };
  const current = () => item.view.zoom ?? stage.clientWidth / (item.width || 1);
  $('.zoom-in', card).addEventListener('click', () => zoomTo(current() * ZOOM_STEP));
  $('.zoom-out', card).addEventListener('click', () => zoomTo(current() / ZOOM_STEP));
  $('.zoom-100', card).addEventListener('click', () => zoomTo(1));
  $('.zoom-fit', card).addEventListener('click', () => zoomTo(null));
  // Ctrl + wheel, which is also what a touchpad pinch sends; a plain wheel
  // scrolls (pans) as everywhere else.
  stage.addEventListener('wheel', (event) => {
    if (!event.ctrlKey) return;
    event.preventDefault();
    zoomTo(current() * Math.exp(-event.deltaY / 200), event.clientX, event.clientY);
  }, { passive: false });
  // Two fingers pinch on a touch screen.
  const touches = new Map();
  let pinch = null;
  stage.addEventListener('pointerdown', (e) => {
    if (e.pointerType !== 'touch') return;
    touches.set(e.pointerId, e);
    if (touches.size === 2) {
      const [a, b] = [...touches.values()];
      pinch = { d: Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY), z: current() };
    }
  });
  stage.addEventListener('pointermove', (e) => {
    if (!touches.has(e.pointerId)) return;
    touches.set(e.pointerId, e);
    if (pinch && touches.size === 2) {
      const [a, b] = [...touches.values()];
      const d = Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY);
      zoomTo(pinch.z * d / pinch.d, (a.clientX + b.clientX) / 2, (a.clientY + b.clientY) / 2);
    }
  });
  for (const type of ['pointerup', 'pointercancel']) {
    stage.addEventListener(type, (e) => {
      touches.delete(e.pointerId);
      if (touches.size < 2) pinch = null;
    });
  }
  setupDrawing(item, overlay, change);
  refreshReview(item);
}

// Brings the card's review controls, markers and list up to date with
// item's state. Elements are updated in place, never rebuilt, so that a
// focused marker or button keeps the focus.
export function refreshReview(item) {
  const card = item.card;
  if (!item.view) return;
  const ready = Boolean(item.result) && Boolean(item.width);
  const img = $('.preview', card);
  const canvas = $('.canvas', card);
  card.classList.toggle('has-result', ready);
  img.hidden = !ready;
  if (ready) {
    const src = item.view.original ? item.originalUrl : item.result.url;
    if (img.getAttribute('src') !== src) img.src = src;
    img.alt = item.view.original ? `The original of ${item.file.name}`
                                 : `Anonymized preview of ${item.file.name}`;
  }
  card.classList.toggle('showing-original', item.view.original);
  const original = $('.show-original', card);
  original.setAttribute('aria-pressed', String(item.view.original));
  const markers = $('.hide-markers', card);
  markers.setAttribute('aria-checked', String(item.view.markersOff));
  card.classList.toggle('markers-off', item.view.markersOff);
  canvas.style.width = item.view.zoom ? `${item.width * item.view.zoom}px` : '';
  card.classList.toggle('zoomed', Boolean(item.view.zoom));
  // Zoomed in, the photo can take the focus and pan with the arrow keys.
  const stage = $('.stage', card);
  stage.tabIndex = item.view.zoom ? 0 : -1;
  if (item.view.zoom) stage.setAttribute('aria-label', 'Zoomed photo: arrow keys pan');
  else stage.removeAttribute('aria-label');
  const zoomText = item.view.zoom ? `${Math.round(item.view.zoom * 100)}%` : 'fit';
  $('.zoom-100', card).setAttribute('aria-label', `Zoom to 100% (now ${zoomText})`);
  for (const sel of ['.show-original', '.hide-markers', '.zoom-in', '.zoom-out',
                     '.zoom-100', '.zoom-fit']) {
    $(sel, card).disabled = !ready || (sel === '.show-original' && $(sel, card).title.startsWith('This browser'));
  }

  const all = entries(item);
  const hiddenCount = all.filter(e => e.entry.hidden).length;
  $('.hide-all', card).disabled = !item.faces || hiddenCount === all.length;
  $('.show-all', card).disabled = !item.faces || hiddenCount === 0;
  $('.undo', card).disabled = item.history.length === 0;
  $('.mark', card).disabled = !item.width;

  // Markers over the photo.
  const overlay = $('.overlay', card);
  const byKey = new Map(all.map(e => [e.key, e]));
  const boxes = reconcile(overlay, ready ? all.map(e => e.key) : [], (key) => {
    const button = document.createElement('button');
    button.type = 'button';
    const num = document.createElement('span');
    num.className = 'num';
    num.setAttribute('aria-hidden', 'true');
    button.append(num);
    button.addEventListener('pointerdown', e => e.stopPropagation());
    button.addEventListener('click', () => {
      const e = entries(item).find(x => x.key === button.dataset.key);
      if (e) item.review.change(() => { e.entry.hidden = !e.entry.hidden; });
    });
    button.addEventListener('keydown', (event) => {
      if (event.key !== 'Delete' && event.key !== 'Backspace') return;
      const e = entries(item).find(x => x.key === button.dataset.key);
      if (e?.kind !== 'region') return;
      event.preventDefault();
      deleteRegion(item, e.entry);
    });
    return button;
  });
  for (const button of boxes) {
    const e = byKey.get(button.dataset.key);
    const person = e.kind === 'face' ? personOf(e.entry) : null;
    button.className = `box ${e.kind}${e.entry.hidden ? '' : ' kept'}${person ? ' person' : ''}`;
    // A face matched to a chosen person carries its badge ("3 · P1").
    $('.num', button).textContent = person ? `${e.short} · ${person.short}` : e.short;
    button.setAttribute('aria-pressed', String(e.entry.hidden));
    const state = e.entry.hidden ? 'hidden' : 'visible';
    button.setAttribute('aria-label',
        `${e.what}, ${state}. Press to ${e.entry.hidden ? 'show' : 'hide'} it.` +
        (e.kind === 'region' ? ' Delete removes it.' : '') +
        (person ? ` Matched to ${person.words}.` : ''));
    button.title = `${e.what}: ${state}${person ? ` (${person.words})` : ''}`;
    placeBox(button, e.box, item);
  }

  // The list of faces and areas.
  const list = $('.items', card);
  const faces = item.faces?.length ?? 0;
  const areas = item.regions.length;
  $('.face-list summary', card).textContent = item.faces
      ? `Faces and areas: ${faces} face${faces === 1 ? '' : 's'}, ${areas} area${areas === 1 ? '' : 's'}, ${hiddenCount} hidden`
      : 'Faces and areas';
  const rows = reconcile(list, all.map(e => e.key), () => {
    const li = document.createElement('li');
    const label = document.createElement('span');
    label.className = 'label';
    const toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'toggle';
    toggle.addEventListener('click', () => {
      const e = entries(item).find(x => x.key === li.dataset.key);
      if (e) item.review.change(() => { e.entry.hidden = !e.entry.hidden; });
    });
    li.append(label, toggle);
    return li;
  });
  for (const li of rows) {
    const e = byKey.get(li.dataset.key);
    li.className = e.entry.hidden ? 'is-hidden' : 'is-visible';
    const person = e.kind === 'face' ? personOf(e.entry) : null;
    $('.label', li).textContent = `${e.what}: ${e.entry.hidden ? 'hidden' : 'visible'}` +
        (person ? ` (${person.words})` : '');
    personButtons(item, li, e);
    const toggle = $('.toggle', li);
    toggle.textContent = e.entry.hidden ? 'Show' : 'Hide';
    toggle.setAttribute('aria-label', `${e.entry.hidden ? 'Show' : 'Hide'} ${e.what.toLowerCase()}`);
    let del = $('.delete', li);
    if (e.kind === 'region' && !del) {
      del = document.createElement('button');
      del.type = 'button';
      del.className = 'delete';
      del.textContent = 'Delete';
      del.addEventListener('click', () => {
        const x = entries(item).find(y => y.key === li.dataset.key);
        if (x) deleteRegion(item, x.entry);
      });
      li.append(del);
    }
    if (del) del.setAttribute('aria-label', `Delete ${e.what.toLowerCase()}`);
  }
}

// "Keep this person in every photo" and "Hide this person everywhere" on a
// face the server says can be a reference (people.js does the matching);
// on any other face, once the server recognises faces, why not.
function personButtons(item, li, e) {
  const wanted = e.kind === 'face' && canChoose(e.entry);
  let why = $('.unclear', li);
  if (e.kind === 'face' && tooUnclear(e.entry)) {
    if (!why) {
      why = document.createElement('span');
      why.className = 'unclear';
      why.textContent = 'This face is too blurred or small to recognise ' +
          'reliably; to keep or hide this person in every photo, choose a ' +
          'clearer photo of them.';
      li.append(why);
    }
  } else {
    why?.remove();
  }
  for (const [cls, mode, text] of [
    ['keep-person', 'keep', 'Keep this person in every photo'],
    ['hide-person', 'hide', 'Hide this person everywhere']]) {
    let b = $(`.${cls}`, li);
    if (!wanted) { b?.remove(); continue; }
    if (!b) {
      b = document.createElement('button');
      b.type = 'button';
      b.className = cls;
      b.textContent = text;
      b.addEventListener('click', () => {
        const x = entries(item).find(y => y.key === li.dataset.key);
        if (x?.kind === 'face') addPerson(item, x.index, mode);
      });
      li.append(b);
    }
    b.setAttribute('aria-label', `${text}: ${e.what.toLowerCase()}`);
  }
}

function deleteRegion(item, region) {
  item.review.change(() => {
    item.regions = item.regions.filter(r => r !== region);
  });
  // Focus goes to the list's summary, the marker being gone.
  $('.mark', item.card).focus();
}

function addRegion(item, box) {
  const region = { id: item.nextRegion++, box: box.map(v => Math.round(v * 100) / 100),
                   hidden: true };
  item.review.change(() => { item.regions.push(region); });
  return region;
}

// Drag on the photo to mark an area the detector missed. Mouse and pen
// draw at any time; touch only in "Mark area" mode, so that a finger can
// still scroll the page.
function setupDrawing(item, overlay, change) {
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
    if (!item.width || event.button !== 0 || !item.result) return;
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
    if (keep && box[2] >= min && box[3] >= min) addRegion(item, box);
  };
  overlay.addEventListener('pointerup', e => finish(e, true));
  overlay.addEventListener('pointercancel', e => finish(e, false));
}

// Marking an area from the keyboard: a frame appears in the middle of the
// visible part of the photo; arrow keys move it, Shift + arrow keys resize
// it, Enter hides that area, Escape gives up.
function keyboardDraft(item, mark) {
  item.cancelDraft?.();
  if (!item.width) return;
  const overlay = $('.overlay', item.card);
  const stage = $('.stage', item.card);
  const side = Math.min(item.width, item.height) * 0.2;
  const o = overlay.getBoundingClientRect();
  const s = stage.getBoundingClientRect();
  const cx = ((Math.max(o.left, s.left) + Math.min(o.right, s.right)) / 2 - o.left) / o.width * item.width;
  const cy = ((Math.max(o.top, s.top) + Math.min(o.bottom, s.bottom)) / 2 - o.top) / o.height * item.height;
  const box = [cx - side / 2, cy - side / 2, side, side];
  const el = document.createElement('div');
  el.className = 'draft keyboard';
  el.tabIndex = 0;
  el.setAttribute('role', 'application');
  el.setAttribute('aria-label',
      'New area to hide. Arrow keys move it, Shift and arrow keys change its size, Enter hides this area, Escape cancels.');
  const clamp = () => {
    box[2] = Math.min(Math.max(box[2], 4), item.width);
    box[3] = Math.min(Math.max(box[3], 4), item.height);
    box[0] = Math.min(Math.max(box[0], 0), item.width - box[2]);
    box[1] = Math.min(Math.max(box[1], 0), item.height - box[3]);
    placeBox(el, box, item);
  };
  const end = () => {
    el.remove();
    item.draftEl = null;
    item.cancelDraft = null;
    mark.setAttribute('aria-pressed', 'false');
    item.card.classList.remove('marking');
  };
  el.addEventListener('keydown', (event) => {
    const step = Math.max(item.width, item.height) * (event.altKey ? 0.005 : 0.02);
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (moves[event.key]) {
      const [dx, dy] = moves[event.key];
      if (event.shiftKey) {
        box[2] += dx * step;
        box[3] += dy * step;
      } else {
        box[0] += dx * step;
        box[1] += dy * step;
      }
      clamp();
    } else if (event.key === 'Enter' || event.key === ' ') {
      const region = addRegion(item, [...box]);
      end();
      const marker = [...overlay.children].find(b => b.dataset.key === `r${region.id}`);
      (marker ?? mark).focus();
    } else if (event.key === 'Escape') {
      end();
      mark.focus();
    } else {
      return;
    }
    event.preventDefault();
  });
  item.draftEl = el;
  item.cancelDraft = end;
  overlay.append(el);
  clamp();
  el.focus();
}
