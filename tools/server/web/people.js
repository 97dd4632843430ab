// "Keep this person in every photo" and "Hide this person everywhere": the
// people chosen on the page, matched against every face of every photo by
// the embeddings /api/detect?embed=1 gives (they live in this page's memory
// only, like the photos). A face matching a hidden person is hidden, else
// one matching a kept person is shown; other faces keep their own state.
// Removing a person hides again the faces only that person showed.

const $ = (selector, root = document) => root.querySelector(selector);

const people = {
  list: [],            // { id, mode: 'keep' | 'hide', embedding, from }
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
// or null.
function matchOf(face) {
  if (!face.embedding || !people.matchDistance) return null;
  let best = null;
  for (const person of people.list) {
    if (distance(face.embedding, person.embedding) > people.matchDistance) continue;
    if (!best || (person.mode === 'hide' && best.mode === 'keep')) best = person;
  }
  return best;
}

// What the people decide for `item`'s faces: [index, hidden, person id].
function decisions(item) {
  const out = [];
  (item.faces ?? []).forEach((face, i) => {
    const person = matchOf(face);
    if (person) out.push([i, person.mode === 'hide', person.id]);
    else if (face.person) out.push([i, true, 0]);  // its person was removed
  });
  return out.filter(([i, hidden, id]) =>
      item.faces[i].hidden !== hidden || (item.faces[i].person ?? 0) !== id);
}

function apply(item, changes) {
  for (const [i, hidden, id] of changes) {
    item.faces[i].hidden = hidden;
    item.faces[i].person = id || undefined;
  }
}

// Applies the chosen people to a photo whose faces were just found (no
// render of its own: the caller is about to render it).
export function applyPeopleTo(item) {
  apply(item, decisions(item));
}

// Applies the chosen people to every photo, re-rendering those changed.
function applyEverywhere() {
  for (const item of hooks.items()) {
    const changes = decisions(item);
    if (changes.length) hooks.change(item, () => apply(item, changes));
  }
  render();
}

export function addPerson(item, index, mode) {
  const face = item.faces?.[index];
  if (!face?.embedding) return;
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

export function canChoose(face) {
  return Boolean(face?.embedding) && people.matchDistance > 0;
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
