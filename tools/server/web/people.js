// "Keep this person in every photo" and "Hide this person everywhere": the
// people chosen on the page, matched against every face of every photo by
// the embeddings /api/detect?embed=1 gives (they live in this page's memory
// only, like the photos). A face matching a hidden person is hidden, else
// one matching a kept person is shown; other faces keep their own state.
//
// Every choice can be taken back exactly. Each face a person decides
// remembers its state before (`face.before`), and Remove gives it back.
// A face the user changes by hand afterwards (its marker, Show/Hide, Hide
// all, Show all, Undo) leaves its person (`face.optOut` lists the people it
// left): it keeps the state the user gave it, on Remove too, and the
// person does not take it again.

const $ = (selector, root = document) => root.querySelector(selector);

const people = {
  list: [],            // { id, mode: 'keep' | 'hide', embedding, from };
                       // references only (canChoose())
  nextId: 1,
  matchDistance: 0,    // from the server; 0 until a detection has told it
};
let hooks = null;      // { items, change }

// `items()` gives the photos; `change(item, fn)` edits one photo's faces
// with Undo and a new render.
export function setupPeople(options) {
  hooks = options;
  $('#people-list').addEventListener('click', (event) => {
    const button = event.target.closest('button.remove-person');
    if (button) removePerson(Number(button.dataset.person));
  });
}

export function setMatchDistance(distance) {
  if (distance > 0) people.matchDistance = distance;
}

function distance(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
}

// The chosen person `face` matches (hide before keep: when unsure, hide),
// or null. People the face was taken back from by hand do not count.
function matchOf(face) {
  if (!face.embedding || !people.matchDistance) return null;
  let best = null;
  for (const person of people.list) {
    if (face.optOut?.includes(person.id)) continue;
    if (distance(face.embedding, person.embedding) > people.matchDistance) continue;
    if (!best || (person.mode === 'hide' && best.mode === 'keep')) best = person;
  }
  return best;
}

// What the people decide for `item`'s faces: [index, hidden, person id,
// state before]. A face whose person is gone (removed, or no longer
// matching) gets back the state it had before a person decided it.
function decisions(item) {
  const out = [];
  (item.faces ?? []).forEach((face, i) => {
    const person = matchOf(face);
    const before = face.person ? face.before : face.hidden;
    if (person) out.push([i, person.mode === 'hide', person.id, before]);
    else if (face.person) out.push([i, face.before ?? true, 0, undefined]);
  });
  return out.filter(([i, hidden, id]) =>
      item.faces[i].hidden !== hidden || (item.faces[i].person ?? 0) !== id);
}

function apply(item, changes) {
  for (const [i, hidden, id, before] of changes) {
    const face = item.faces[i];
    face.hidden = hidden;
    face.person = id || undefined;
    face.before = id ? before : undefined;
  }
}

// Applies the chosen people to a photo whose faces were just found (no
// render of its own: the caller is about to render it).
export function applyPeopleTo(item) {
  apply(item, decisions(item));
  render();
}

// Applies the chosen people to every photo, re-rendering those changed.
function applyEverywhere() {
  for (const item of hooks.items()) {
    const changes = decisions(item);
    if (changes.length) hooks.change(item, () => apply(item, changes));
  }
  render();
}

// After a change by hand to `item` (`hiddenBefore`: each face's state
// before it): a face the change turned leaves its person and keeps the
// state it was given.
export function changedByHand(item, hiddenBefore) {
  (item.faces ?? []).forEach((face, i) => {
    if (!face.person || face.hidden === hiddenBefore?.[i]) return;
    face.optOut = [...(face.optOut ?? []), face.person];
    face.person = undefined;
    face.before = undefined;
  });
  render();
}

// After Undo on `item` (`current`: each face's person just before it): a
// person the Undo took a face from does not take it again (Undo
// acts on that photo only), and a face whose person was removed since
// keeps the state as its own.
export function undone(item, current) {
  (item.faces ?? []).forEach((face, i) => {
    const was = current[i];
    if (was && was !== face.person) face.optOut = [...(face.optOut ?? []), was];
    if (face.person && !people.list.some(p => p.id === face.person)) {
      face.person = undefined;
      face.before = undefined;
    }
  });
  render();
}

export function addPerson(item, index, mode) {
  const face = item.faces?.[index];
  if (!canChoose(face)) return;
  const existing = people.list.find(p => p.id === face.person);
  if (existing) people.list = people.list.filter(p => p !== existing);
  people.list.push({ id: people.nextId++, mode, embedding: face.embedding,
                     from: `${item.file.name}, face ${index + 1}` });
  applyEverywhere();
}

function removePerson(id) {
  people.list = people.list.filter(p => p.id !== id);
  applyEverywhere();
  $('#people-list').closest('section').focus();
}

// The person a face was matched to, for its badge: "P2" and words.
export function personOf(face) {
  const person = face.person && people.list.find(p => p.id === face.person);
  if (!person) return null;
  return { short: `P${person.id}`,
           words: `person ${person.id}, ${person.mode === 'keep' ? 'kept in every photo' : 'hidden everywhere'}` };
}

// A face can be chosen as a person (kept or hidden in every photo) only
// when the server says it can be a reference (`face.reference`, from
// /api/detect's `references`): a face only clear enough to be compared
// would match strangers' unclear faces and miss the person's clear ones
// (docs/IDENTITY.md), wrong in both directions.
export function canChoose(face) {
  return Boolean(face?.embedding) && face.reference === true &&
      people.matchDistance > 0;
}

// The server recognises faces (it gave a match distance), yet `face`
// cannot be a reference: the page says why instead of offering a choice.
export function tooUnclear(face) {
  return people.matchDistance > 0 && !canChoose(face);
}

// The list of chosen people again, e.g. after a photo was removed (its
// faces no longer count).
export function renderPeople() {
  render();
}

// Forgets every person (Clear).
export function clearPeople() {
  people.list = [];
  render();
}

function render() {
  const section = $('#people');
  const list = $('#people-list');
  section.hidden = people.list.length === 0;
  list.replaceChildren(...people.list.map((person) => {
    const li = document.createElement('li');
    const count = hooks.items().reduce((n, item) =>
        n + (item.faces ?? []).filter(f => f.person === person.id).length, 0);
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = `Person ${person.id} (${person.from}): ` +
        `${person.mode === 'keep' ? 'kept visible in every photo' : 'hidden everywhere'}, ` +
        `${count} face${count === 1 ? '' : 's'}`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove-person';
    remove.dataset.person = person.id;
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove person ${person.id}`);
    li.append(label, remove);
    return li;
  }));
}
