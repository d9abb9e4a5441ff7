// JSON pointers (RFC 6901) over the program document: the form reads and writes every field by
// its pointer, and the engine's errors name the field the same way, so one string ties the two.

export const escapeToken = (key) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeToken = (token) => token.replace(/~1/g, '/').replace(/~0/g, '~');

export const join = (pointer, key) => `${pointer}/${escapeToken(key)}`;
export const tokens = (pointer) => (pointer ? pointer.slice(1).split('/').map(unescapeToken) : []);
export const parent = (pointer) => pointer.slice(0, pointer.lastIndexOf('/'));

export function get(doc, pointer) {
  let v = doc;
  for (const t of tokens(pointer)) {
    if (v == null || typeof v !== 'object') return undefined;
    v = v[t];
  }
  return v;
}

/** Sets the value, creating the objects on the way (a condition group the merchant opens). */
export function set(doc, pointer, value) {
  const path = tokens(pointer);
  let v = doc;
  for (const t of path.slice(0, -1)) {
    if (v[t] == null || typeof v[t] !== 'object') v[t] = {};
    v = v[t];
  }
  v[path.at(-1)] = value;
}

/** Removes the value; an array element is spliced out so the items after it move up. */
export function remove(doc, pointer) {
  const path = tokens(pointer);
  const holder = get(doc, parent(pointer));
  if (holder == null || typeof holder !== 'object') return;
  if (Array.isArray(holder)) holder.splice(Number(path.at(-1)), 1);
  else delete holder[path.at(-1)];
}

const isEmptyObject = (v) => v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;

/**
 * After a field is cleared, the condition groups it leaves empty go too (an empty `match` would
 * still say "every line", but the merchant did not write one), up to `stop`.
 */
export function pruneEmpty(doc, pointer, stop) {
  let p = parent(pointer);
  while (p && p !== stop && p.startsWith(stop) && isEmptyObject(get(doc, p))) {
    remove(doc, p);
    p = parent(p);
  }
}
