// The simulator's browser helpers: the demo (support/demo.mjs's shop, its own data prefix) and
// the page actions its test and its benchmark share.
import { launchChromium, startShop } from './demo.mjs';

export { launchChromium };

/** {base, data, stop()} once the shop answers. */
export const startDemo = () => startShop('loyalty-sim-');

/** Replaces the editor's draft with edit(draft) and waits until the page has validated it. */
export async function editDraft(page, edit) {
  await page.locator('[role=tab][data-tab="json"]').click();  // the page opens on its form
  const text = await page.inputValue('[data-source]');
  const draft = edit(JSON.parse(text));
  await page.fill('[data-source]', JSON.stringify(draft, null, 2));
  // The page checks the text 120 ms after the last keystroke; the status may say "valid" already.
  await page.waitForTimeout(400);
  await page.waitForFunction(() => document.querySelector('[data-status]').classList.contains('ok'), null, { timeout: 10_000 });
  return draft;
}

/** Fills the simulator's form: {source, size, ...synthetic options}. */
export async function fillSimulator(page, { source = 'synthetic', size, ...options }) {
  await page.check(`[data-simulator] input[name=source][value=${source}]`);
  if (size != null) await page.fill('[data-simulator] input[name=size]', String(size));
  for (const [name, value] of Object.entries(options)) await page.fill(`[data-simulator] input[name=${name}]`, String(value));
}

/** Clicks Run and resolves with the milliseconds until the report is on the page. */
export async function runSimulator(page, timeout = 300_000) {
  const before = await page.getAttribute('[data-simulator]', 'data-sim-done');
  const t0 = Date.now();
  await page.click('[data-sim-run]');
  await page.waitForFunction((b) => {
    const s = document.querySelector('[data-simulator]');
    return s.dataset.simDone !== (b ?? undefined) || /fail/i.test(s.querySelector('[data-sim-status]').textContent);
  }, before, { timeout, polling: 'raf' });
  return Date.now() - t0;
}
