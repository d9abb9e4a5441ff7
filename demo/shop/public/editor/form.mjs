// The merchant's form editor: draws the program document as a form, writes every keystroke back
// into the document (the JSON view and the live preview follow through `onChange`), re-renders
// when the document's shape changes (an item added, a type chosen, the JSON edited), keeps focus
// where the merchant works, and puts the engine's validation messages at the field they name.
import { el } from './dom.mjs';
import { renderSections } from './containers.mjs';
import { get, join, parent, pruneEmpty, remove, set } from './pointer.mjs';
import { SECTIONS, emptyProgram } from './schema.mjs';
import { digitsOf } from './values.mjs';
import { clearIssues, fieldFor, showIssue } from './issues.mjs';

const CONTROLS = 'input, select, textarea, button';

/**
 * mountEditor(root, {tr, lang, onChange}) → {load(doc), document(), showIssues(list), reset()}.
 * `onChange(doc)` runs after every edit made in the form.
 */
export function mountEditor(root, { tr, lang, onChange }) {
  let doc = emptyProgram();
  const opened = new Set(); // condition groups the merchant unfolded, kept open across re-renders
  const live = el('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'data-editor-announce': '' });
  const body = el('div', { class: 'f-body' });
  root.replaceChildren(live, body);
  root.addEventListener('toggle', (e) => {
    const p = e.target.dataset?.pointer;
    if (p != null && e.target.tagName === 'DETAILS') (e.target.open ? opened.add(p) : opened.delete(p));
  }, true);

  const ctx = {
    tr, lang,
    get doc() { return doc; },
    defaultLanguage: () => doc.default_language ?? 'en',
    currency: () => doc.currency ?? '',
    digits: () => digitsOf(doc.currency),
    isOpen: (p) => opened.has(p),
    datalist: (to) => `f-list-${to}`,
    write, reshape, addItem, removeItem, move,
  };

  /** A field's new value; undefined leaves the field out (and the groups it empties). */
  function write(pointer, value, { restructure = false, focus = pointer } = {}) {
    const holder = get(doc, parent(pointer));
    if (value === undefined && Array.isArray(holder)) value = ''; // a blank benefit stays a row
    if (value === undefined) {
      remove(doc, pointer);
      pruneEmpty(doc, pointer, itemRoot(pointer));
    } else set(doc, pointer, value);
    if (restructure || pointer === '/currency' || pointer === '/default_language' || pointer === '/tiers/basis') render(focus);
    else if (/\/name(\/\w+)?$/.test(pointer) || /\/code$/.test(pointer)) retitle();
    onChange(doc);
  }

  /** Changes an object's shape in place (a rule's type, a step's kind) and redraws. */
  function reshape(pointer, change) {
    const o = get(doc, pointer);
    change(o);
    render(focusOf(pointer));
    onChange(doc);
  }

  function addItem(listPointer, desc) {
    const items = get(doc, listPointer) ?? [];
    const item = desc.newItem(items.length + 1, items);
    set(doc, listPointer, [...items, item]);
    const at = join(listPointer, items.length);
    render(null);
    focusFirst(at);
    announce(tr('Added: {item}', { item: titleOf(at) }));
    onChange(doc);
  }

  function removeItem(listPointer, index, label) {
    const items = get(doc, listPointer);
    items.splice(index, 1);
    if (!items.length) remove(doc, listPointer); // an empty list is the default: left out
    render(null);
    // Focus goes to the item that took its place, else the one before, else the add button.
    const next = items.length ? join(listPointer, Math.min(index, items.length - 1)) : null;
    if (next) focusFirst(next); else body.querySelector(`[data-add="${CSS.escape(listPointer)}"]`)?.focus();
    announce(tr('Removed: {item}', { item: label }));
    onChange(doc);
  }

  function move(listPointer, from, to) {
    const items = get(doc, listPointer);
    items.splice(to, 0, ...items.splice(from, 1));
    render(null);
    const item = body.querySelector(`[data-pointer="${CSS.escape(join(listPointer, to))}"]`);
    item?.querySelector(`.f-tools button:nth-child(${to > from ? 2 : 1}):not([disabled])`)?.focus() ?? focusFirst(join(listPointer, to));
    announce(tr('Moved: {item}', { item: titleOf(join(listPointer, to)) }));
    onChange(doc);
  }

  function announce(text) { live.textContent = text; }
  const titleOf = (pointer) => body.querySelector(`[data-pointer="${CSS.escape(pointer)}"] > legend`)?.textContent ?? '';
  function focusFirst(pointer) {
    body.querySelector(`[data-pointer="${CSS.escape(pointer)}"]`)?.querySelector('input:not([type=checkbox]), select, textarea')?.focus();
  }

  /** Item headings follow the names typed into them, without redrawing the form. */
  function retitle() {
    for (const legend of body.querySelectorAll('fieldset[data-item] > legend')) {
      const p = legend.parentElement.dataset.pointer;
      const item = get(doc, p);
      const name = item?.name;
      const text = typeof name === 'string' ? name : name?.[lang] ?? name?.[ctx.defaultLanguage()] ?? '';
      legend.textContent = legend.textContent.replace(/ — .*$/, '') + (text ? ` — ${text}` : item?.code ? ` — ${item.code}` : '');
      for (const b of legend.parentElement.querySelectorAll(':scope > .f-tools > [data-says]')) b.setAttribute('aria-label', tr(b.dataset.says, { item: legend.textContent }));
    }
  }

  function datalists() {
    const ids = (items, key = 'id') => (Array.isArray(items) ? items.map((x) => x?.[key]).filter((x) => typeof x === 'string') : []);
    return el('div', { hidden: true }, el('datalist', { id: 'f-list-rewards' }, ids(doc.rewards).map((v) => el('option', { value: v }))));
  }

  /** Draws the form from the document; `focus` names the field to give focus back to. */
  function render(focus = activePointer()) {
    const scroll = window.scrollY;
    body.replaceChildren(datalists(), ...renderSections(SECTIONS, ctx));
    if (focus != null) {
      const target = body.querySelector(`[data-pointer="${CSS.escape(focus)}"]`);
      (target?.matches(CONTROLS) ? target : target?.querySelector(CONTROLS))?.focus({ preventScroll: true });
      window.scrollTo({ top: scroll });
    }
  }
  const activePointer = () => (root.contains(document.activeElement) ? document.activeElement.dataset?.pointer ?? null : null);
  const focusOf = (pointer) => activePointer() ?? pointer;

  render(null);
  return {
    /** Shows another document (the JSON view was edited, a version was loaded). */
    load(next) { doc = structuredClone(next); render(activePointer()); },
    document: () => doc,
    reset() { doc = emptyProgram(); opened.clear(); render(null); onChange(doc); },
    /** Tells the page the document changed (after `load` of a document the page chose). */
    changed() { onChange(doc); },
    /** Focuses the field drawn for a pointer (or the nearest part that holds it). */
    focusField(pointer) {
      const target = fieldFor(body, pointer);
      for (let d = target?.closest('details'); d; d = d.parentElement?.closest('details')) d.open = true;
      (target?.matches(CONTROLS) ? target : target?.querySelector(CONTROLS))?.focus();
    },
    showIssues(issues) {
      clearIssues(body);
      for (const issue of issues) showIssue(body, issue, tr);
    },
  };
}

// Where an edit's empty groups stop being pruned: the list item (or top-level part) it is in.
function itemRoot(pointer) {
  const m = /^(.*\/\d+)(\/|$)/.exec(parent(pointer));
  if (m) return m[1];
  const top = pointer.split('/').slice(0, 2).join('/');
  return top === pointer ? '' : top;
}
