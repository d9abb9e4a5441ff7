// The engine's validation messages at their fields: an error's JSON pointer names the field; a
// field the form does not draw (an unknown key) falls back to the nearest part that holds it.
// Errors set aria-invalid and join the field's aria-describedby; warnings are only shown.

export function clearIssues(root) {
  for (const n of root.querySelectorAll('.f-error:not([hidden])')) { n.hidden = true; n.textContent = ''; n.className = 'f-error'; }
  for (const n of root.querySelectorAll('[aria-invalid]')) n.removeAttribute('aria-invalid');
  for (const n of root.querySelectorAll('[data-described]')) {
    n.setAttribute('aria-describedby', n.dataset.described);
    if (!n.dataset.described) n.removeAttribute('aria-describedby');
    delete n.dataset.described;
  }
  for (const n of root.querySelectorAll('.has-issue')) n.classList.remove('has-issue', 'warn');
}

/** The element drawn for `pointer`, or for the nearest pointer above it. */
export function fieldFor(root, pointer) {
  let p = pointer ?? '';
  for (;;) {
    const found = root.querySelector(`[data-pointer="${CSS.escape(p)}"]`);
    if (found) return found;
    if (!p) return null;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

export function showIssue(root, { path, message, kind }, tr) {
  const target = fieldFor(root, path);
  if (!target) return null;
  const slot = document.getElementById(target.dataset.error);
  if (slot) {
    slot.hidden = false;
    slot.className = `f-error ${kind === 'warn' ? 'is-warn' : 'is-err'}`;
    slot.textContent = kind === 'warn' ? `${tr('Warning')}: ${message}` : message;
  }
  // A message inside a folded group unfolds it, so the merchant sees it.
  for (let d = target.closest('details'); d; d = d.parentElement?.closest('details')) d.open = true;
  const control = target.matches('input, select, textarea') ? target : target.querySelector('input, select, textarea');
  const container = target.closest('.f-field, .f-set, .f-item, .f-group, .f-section');
  container?.classList.add('has-issue', ...(kind === 'warn' ? ['warn'] : []));
  if (kind !== 'warn' && control && slot) {
    control.setAttribute('aria-invalid', 'true');
    if (!('described' in control.dataset)) control.dataset.described = control.getAttribute('aria-describedby') ?? '';
    const ids = new Set((control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
    ids.add(slot.id);
    control.setAttribute('aria-describedby', [...ids].join(' '));
  }
  return target;
}
