// The merchant page's form editor (issue 21, items 1, 2 and 6), in headless Chromium against the
// running demo:
//   - the café program built from an empty form, as a merchant does it (add, type, choose), gives
//     exactly demo/programs/cafe.json;
//   - the engine's own validation messages show at the field that caused them, and go when fixed;
//   - the form and the Advanced (JSON) view follow each other both ways;
//   - every merchant-page text exists in en, es, pl and ro; the page switches between the four;
//   - axe-core finds nothing with the editor open (en and pl);
//   - screenshots, desktop and 375 px, en / es / pl: build/screenshots/editor/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO, ROOT, startDemo } from './support/demo.mjs';
import { MESSAGES, MERCHANT_LANGUAGES, PAGE_ROWS } from '../shop/public/merchant-i18n.mjs';
import { EDITOR_ROWS } from '../shop/public/editor/i18n.mjs';
import { DIFF_WORDS } from '../shop/public/program-diff.mjs';

const SHOTS = path.join(ROOT, 'build', 'screenshots', 'editor');
const AXE = path.join(ROOT, 'web', 'node_modules', 'axe-core', 'axe.min.js');
const CAFE = JSON.parse(fs.readFileSync(path.join(DEMO, 'programs', 'cafe.json'), 'utf8'));

let demo;
before(async () => {
  demo = await startDemo('loyalty-editor-');
  fs.mkdirSync(SHOTS, { recursive: true });
});
after(async () => { await demo?.stop(); });

async function openMerchant(shop = 'cafe', lang = 'en', width = 1366) {
  const page = await demo.newPage(width);
  await page.goto(`${demo.base}/switch?shop=${shop}&lang=${lang}&to=${encodeURIComponent(`/merchant?shop=${shop}`)}`);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
  return page;
}

const item = (page, pointer) => page.locator(`fieldset[data-pointer="${pointer}"]`);
const json = async (page) => JSON.parse(await page.locator('[data-source]').inputValue());
/**
 * A field by its label inside an item (the item's own field comes before its nested items');
 * money labels end with the currency, "For every (PEN)".
 */
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const field = (scope, label) => scope.getByLabel(new RegExp(`^${escapeRe(label)}( \\([A-Z]{3}\\))?$`)).first();
const names = (scope) => scope.getByRole('group', { name: 'Name', exact: true }).first();

async function addItem(page, list, label) {
  const count = await page.locator(`[data-list="${list}"] > fieldset[data-item]`).count();
  await page.getByRole('button', { name: `+ ${label}`, exact: true }).click();
  const added = item(page, `${list}/${count}`);
  // Focus moves into the new item, so a keyboard user types on at once.
  assert.ok(await added.evaluate((n) => n.contains(document.activeElement)), `focus is in the new ${label}`);
  return added;
}

async function fillNames(scope, byLanguage) {
  const group = names(scope);
  for (const [lang, text] of Object.entries(byLanguage)) await group.getByLabel({ en: 'English', es: 'Español', pl: 'Polski', ro: 'Română' }[lang], { exact: true }).fill(text);
}

/** Unfolds a condition group (Which products, When…) of an item by clicking its summary. */
async function unfold(scope, summary) {
  const group = scope.locator('details', { has: scope.page().locator(`summary:text-is("${summary}")`) }).first();
  if (!(await group.evaluate((d) => d.open))) await group.locator('summary').first().click();
  return group;
}

async function reward(page, index, r) {
  const it = await addItem(page, '/rewards', 'Add reward');
  await field(it, 'Id (letters, digits, - and _)').fill(r.id);
  await fillNames(it, r.name);
  await field(it, 'Kind of reward').selectOption({ label: r.kind });
  const again = item(page, `/rewards/${index}`); // redrawn for its type
  await field(again, 'Cost (points; 0 for vouchers only)').fill(r.cost ?? '');
  for (const [label, value] of Object.entries(r.fields ?? {})) await field(again, label).fill(value);
  if (r.categories) await field(await unfold(again, 'Which products'), 'Only these categories').fill(r.categories);
  if (r.expires) await field(again, 'Voucher expires').selectOption({ label: r.expires });
}

test('the café program built from an empty form, without touching the JSON, is demo/programs/cafe.json', async () => {
  const page = await openMerchant('cafe', 'en');
  await page.getByRole('button', { name: 'Start from an empty program' }).click();
  assert.equal((await json(page)).earn, undefined, 'an empty program has no rules');
  // Starting over can be undone (once), and then started again.
  await page.getByRole('button', { name: 'Undo: back to the program before' }).click();
  assert.equal((await json(page)).earn.length, 4, 'the program before is back');
  await page.getByRole('button', { name: 'Start from an empty program' }).click();

  // About the program.
  await page.getByLabel('Program id', { exact: true }).fill('cafe-tostado');
  await page.getByRole('group', { name: 'Program name', exact: true }).getByLabel('English').fill('Café Tostado Rewards');
  await page.getByLabel('Currency', { exact: true }).selectOption('PEN');
  await page.getByLabel('Or a fixed UTC offset (e.g. -05:00)').fill('-05:00');

  // Ways to earn.
  let it = await addItem(page, '/earn', 'Add earning rule');
  await field(it, 'Id (letters, digits, - and _)').fill('base');
  await fillNames(it, { en: '1 point for every sol' });
  await field(it, 'Points').fill('1');
  await field(it, 'For every').fill('1.00');

  it = await addItem(page, '/earn', 'Add earning rule');
  await field(it, 'Id (letters, digits, - and _)').fill('appetizer');
  await fillNames(it, { en: 'A free appetizer for every S/ 10' });
  await field(it, 'Kind of rule').selectOption({ label: 'A reward for every amount spent over time' });
  it = item(page, '/earn/1');
  await field(it, 'For every').fill('10.00');
  await field(it, 'Reward').fill('free-appetizer');

  it = await addItem(page, '/earn', 'Add earning rule');
  await field(it, 'Id (letters, digits, - and _)').fill('welcome');
  await fillNames(it, { en: 'Welcome bonus' });
  await field(it, 'Kind of rule').selectOption({ label: 'Welcome bonus on joining' });
  it = item(page, '/earn/2');
  await field(it, 'Points').fill('25');
  await field(it, 'Given').selectOption({ label: 'at once' });

  it = await addItem(page, '/earn', 'Add earning rule');
  await field(it, 'Id (letters, digits, - and _)').fill('birthday');
  await fillNames(it, { en: 'Birthday treat' });
  await field(it, 'Kind of rule').selectOption({ label: 'Birthday gift' });
  await field(item(page, '/earn/3'), 'Reward').fill('birthday-treat');

  // The punch card.
  it = await addItem(page, '/punch_cards', 'Add punch card');
  await field(it, 'Id (letters, digits, - and _)').fill('coffee');
  await fillNames(it, { en: 'Coffee card' });
  await field(await unfold(it, 'Which products'), 'Only these categories').fill('coffee');
  await field(it, 'A punch for').selectOption({ label: 'every matching item' });
  await field(it, 'Punches to fill the card').fill('10');
  await field(it, 'Reward for a full card').fill('free-coffee');
  await field(it, 'At most (punches per day)').fill('5');

  // Rewards, each named in English and Spanish.
  await reward(page, 0, { id: 'free-coffee', name: { en: 'Free coffee', es: 'Café gratis' }, kind: 'A free item', cost: '120', categories: 'coffee', fields: { 'Worth at most': '12.00' } });
  await reward(page, 1, { id: '5-off', name: { en: 'S/ 5 off your order', es: 'S/ 5 de descuento' }, kind: 'Amount off', cost: '80', fields: { 'Amount off': '5.00', 'Minimum order': '15.00' } });
  await reward(page, 2, { id: 'pay', name: { en: 'Pay with points', es: 'Paga con puntos' }, kind: 'Pay with points', cost: '', fields: { 'Every (points)': '20', 'Takes off': '1.00', 'Smallest use (points)': '100', 'At most (percent of the order)': '50' } });
  await reward(page, 3, { id: 'free-appetizer', name: { en: 'Free appetizer', es: 'Piqueo gratis' }, kind: 'A free item', cost: '0', categories: 'appetizers', fields: { 'Worth at most': '5.00', 'Voucher valid for (days)': '30' } });
  await reward(page, 4, { id: 'birthday-treat', name: { en: 'Birthday slice of cake', es: 'Tajada de torta de cumpleaños' }, kind: 'A free item', cost: '0', categories: 'pastries', fields: { 'Worth at most': '15.00', 'Voucher valid for (days)': '31' } });
  await reward(page, 5, { id: '40-pct', name: { en: '40% off your order', es: '40 % de descuento' }, kind: 'Percent off', cost: '0', fields: { 'Percent off (1–100)': '40', 'At most': '30.00', 'Voucher valid for (days)': '7' } });
  await reward(page, 6, { id: 'free-upgrade', name: { en: 'Free size upgrade', es: 'Tamaño más grande gratis' }, kind: 'Amount off', cost: '0', categories: 'coffee', fields: { 'Amount off': '3.00' }, expires: 'at the end of the day it is issued' });

  // Expiry and limits.
  await page.getByLabel('Points expire', { exact: true }).selectOption({ label: 'after a time without activity' });
  await page.getByLabel('Days', { exact: true }).fill('365');
  await page.getByLabel('At most (rewards per order)').fill('2');

  // The Saturday wheel and its four prizes.
  it = await addItem(page, '/wheels', 'Add prize wheel');
  await field(it, 'Id (letters, digits, - and _)').fill('saturday');
  await fillNames(it, { en: 'Saturday wheel', es: 'Ruleta del sábado' });
  await (await unfold(it, 'When')).getByLabel('Saturday').check();
  const often = await unfold(it, 'How often');
  await field(often, 'At most (times)').fill('1');
  await field(often, 'Per').selectOption({ label: 'per day' });
  const prizes = [
    { id: 'p50', name: { en: '50 points', es: '50 puntos' }, weight: '10', points: '50' },
    { id: 'p40', name: { en: '40% off', es: '40 % de descuento' }, weight: '1', reward: '40-pct' },
    { id: 'upgrade', name: { en: 'Free size upgrade', es: 'Tamaño más grande gratis' }, weight: '5', reward: 'free-upgrade' },
    { id: 'none', name: { en: 'Try again next Saturday', es: 'Vuelve a intentarlo el sábado' }, weight: '20' },
  ];
  for (const [i, p] of prizes.entries()) {
    const prize = i === 0 ? item(page, '/wheels/0/prizes/0') : await addItem(page, '/wheels/0/prizes', 'Add prize');
    await field(prize, 'Id (letters, digits, - and _)').fill(p.id);
    await fillNames(prize, p.name);
    await field(prize, 'Weight (chance relative to the others)').fill(p.weight);
    if (p.points) await field(prize, 'Points').fill(p.points);
    if (p.reward) await field(prize, 'Reward').fill(p.reward);
  }

  // The treasure hunt: a pastry order, then three actions, in order.
  it = await addItem(page, '/challenges', 'Add challenge');
  await field(it, 'Id (letters, digits, - and _)').fill('hunt');
  await fillNames(it, { en: 'Treasure hunt', es: 'Búsqueda del tesoro' });
  await field(it, 'Steps must be done in order').check();
  const steps = [
    { id: 'buy-pastry', name: { en: 'Try one of our pastries', es: 'Prueba uno de nuestros dulces' }, pastries: true },
    { id: 'visit', name: { en: 'Check in at the café', es: 'Registra tu visita en el café' }, action: 'store_visit' },
    { id: 'review', name: { en: 'Write a review', es: 'Escribe una reseña' }, action: 'review' },
    { id: 'share', name: { en: 'Share a photo of your coffee', es: 'Comparte una foto de tu café' }, action: 'social_share' },
  ];
  for (const [i, s] of steps.entries()) {
    const step = i === 0 ? item(page, '/challenges/0/steps/0') : await addItem(page, '/challenges/0/steps', 'Add step');
    await field(step, 'Id (letters, digits, - and _)').fill(s.id);
    await fillNames(step, s.name);
    if (s.pastries) {
      await field(step, 'Done by').selectOption({ label: 'an order' });
      const again = item(page, `/challenges/0/steps/${i}`);
      await field(await unfold(again, 'Which products'), 'Only these categories').fill('pastries');
    } else {
      await field(step, 'Action (e.g. store_visit, review, social_share)').fill(s.action);
    }
  }
  await field(it, 'Reward when done').fill('free-coffee');
  await field(it, 'Points when done').fill('50');

  await page.waitForFunction(() => document.querySelector('[data-status]').textContent.startsWith('Valid'));
  assert.deepEqual(await json(page), CAFE);
  // The form shows no error, and the preview runs on what the form says.
  assert.equal(await page.locator('[data-form-editor] [aria-invalid="true"]').count(), 0);
  await page.waitForSelector('[data-preview-points]');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

for (const shop of ['cafe', 'fashion']) {
  test(`every value of the ${shop} program has a field in the form (nothing only the JSON can say)`, async () => {
    const page = await openMerchant(shop, 'en');
    const uncovered = await page.evaluate(() => {
      const doc = JSON.parse(document.querySelector('[data-source]').value);
      const esc = (k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1');
      const drawn = (p) => document.querySelector(`[data-form-editor] [data-pointer="${CSS.escape(p)}"]`);
      const out = [];
      const walk = (v, p) => {
        const n = drawn(p);
        // A control, or a group of controls for the whole value (a name's languages, days, hours).
        if (n && (n.matches('input, select, textarea') || n.matches('.f-names, .f-days, .f-hours'))) return;
        if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) walk(x, `${p}/${esc(k)}`);
        } else out.push(p);
      };
      walk(doc, '');
      return out;
    });
    assert.deepEqual(uncovered, ['/schema'], 'only the schema tag is not a field');
    await page.context().close();
  });
}

test('the engine\'s own error shows at the field that caused it, and goes when it is fixed', async () => {
  const page = await openMerchant('cafe', 'en');
  const points = page.locator('[data-pointer="/earn/0/points"]');
  await points.fill('-5');
  await page.waitForSelector('.prob.err');
  const pointer = await page.textContent('.prob.err code');
  const message = await page.textContent('.prob.err .prob-msg');
  assert.equal(pointer, '/earn/0/points', 'the engine names the field');
  assert.equal(await points.getAttribute('aria-invalid'), 'true');
  const described = (await points.getAttribute('aria-describedby')).split(' ');
  const errorId = await points.getAttribute('data-error');
  assert.ok(described.includes(errorId), 'the message describes the field');
  assert.equal(await page.textContent(`#${errorId}`), message, 'the engine\'s words at the field');
  await page.screenshot({ path: path.join(SHOTS, 'error-desktop-en.png') });
  await points.fill('1');
  await page.waitForFunction(() => document.querySelector('[data-status]').textContent.startsWith('Valid'));
  assert.equal(await points.getAttribute('aria-invalid'), null);
  assert.ok(await page.locator(`#${errorId}`).isHidden());

  // Tiers (fashion): the engine sorts levels by their threshold itself, but the lowest must
  // start at 0; its message names the levels, and shows at the list of levels.
  await page.goto(`${demo.base}/merchant?shop=fashion`);
  await page.waitForSelector('body[data-ready="1"]');
  const member = page.locator('[data-pointer="/tiers/levels/0/min"]');
  await member.fill('5.00');
  await page.waitForSelector('.prob.err');
  const at = await page.textContent('.prob.err code');
  assert.equal(at, '/tiers/levels');
  const levels = page.locator('[data-pointer="/tiers/levels"]');
  assert.equal(await page.textContent(`#${await levels.getAttribute('data-error')}`), await page.textContent('.prob.err .prob-msg'));
  assert.equal(await levels.locator('[aria-invalid="true"]').count(), 1, 'a field of the levels is marked invalid');
  await member.fill('0');
  await page.waitForFunction(() => document.querySelector('[data-status]').textContent.startsWith('Valid'));
  assert.equal(await page.locator('[data-form-editor] [aria-invalid="true"]').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('form → JSON: every keystroke in the form is in the JSON at once', async () => {
  const page = await openMerchant('cafe', 'en');
  const nameEs = page.locator('[data-pointer="/earn/0/name/es"]');
  const started = Date.now();
  await nameEs.pressSequentially('1 punto por sol');
  const doc = await json(page);
  assert.deepEqual(doc.earn[0].name, { en: '1 point for every sol', es: '1 punto por sol' }, 'a second language makes the name an object');
  // One keystroke's round trip: from the input event to the JSON text, measured in the page.
  const ms = await nameEs.evaluate((input) => {
    const t0 = performance.now();
    input.value += '!';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    return performance.now() - t0;
  });
  assert.equal((await json(page)).earn[0].name.es, '1 punto por sol!');
  console.log(`# form → JSON for one keystroke: ${ms.toFixed(1)} ms (typing 15 characters took ${Date.now() - started} ms)`);
  // The live preview follows the form: doubling the base rule doubles the sample cart's points.
  await page.locator('[data-pointer="/earn/0/points"]').fill('2');
  await page.waitForFunction(() => document.querySelector('[data-preview-points]')?.textContent === '69');
  // A removed rule leaves the JSON, and focus goes to the rule that took its place.
  await page.getByRole('button', { name: /^Remove: Earning rule 2/ }).click();
  assert.deepEqual((await json(page)).earn.map((r) => r.id), ['base', 'welcome', 'birthday']);
  assert.ok(await item(page, '/earn/1').evaluate((n) => n.contains(document.activeElement)), 'focus moves to the next rule');
  assert.match(await page.textContent('[data-editor-announce]'), /Removed: Earning rule 2/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('JSON → form: an edit in the Advanced (JSON) view redraws the form', async () => {
  const page = await openMerchant('cafe', 'en');
  await page.getByRole('tab', { name: 'Advanced (JSON)' }).click();
  const doc = await json(page);
  doc.earn[0].points = 3;
  doc.rewards.push({ id: 'croissant', name: { en: 'Free croissant', pl: 'Darmowy rogalik' }, type: 'free_item', cost: 90, match: { skus: ['croissant'] } });
  await page.locator('[data-source]').fill(JSON.stringify(doc, null, 2));
  await page.getByRole('tab', { name: 'Form' }).click();
  await page.waitForFunction(() => document.querySelector('[data-pointer="/rewards/7/name/pl"]')?.value === 'Darmowy rogalik');
  assert.equal(await page.inputValue('[data-pointer="/earn/0/points"]'), '3');
  assert.equal(await page.inputValue('[data-pointer="/rewards/7/match/skus"]'), 'croissant');
  assert.match(await item(page, '/rewards/7').locator('legend').first().textContent(), /Reward 8 — Free croissant/);
  // A syntax error leaves the form on the last valid document and says so.
  await page.getByRole('tab', { name: 'Advanced (JSON)' }).click();
  await page.locator('[data-source]').fill('{"schema": ');
  await page.getByRole('tab', { name: 'Form' }).click();
  await page.waitForSelector('[data-form-note]:not([hidden])');
  assert.equal(await page.inputValue('[data-pointer="/earn/0/points"]'), '3');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('keyboard: the views are tabs (arrow keys), a rule added with Enter takes focus, buttons name their item', async () => {
  const page = await openMerchant('cafe', 'en');
  await page.getByRole('tab', { name: 'Form' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.tab), 'json');
  assert.ok(await page.locator('[data-source]').isVisible());
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getByRole('tab', { selected: true }).textContent(), 'Form');
  await page.getByRole('button', { name: '+ Add earning rule' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.pointer), '/earn/4/id', 'focus on the new rule\'s first field');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('double-tuesday');
  await page.keyboard.press('Tab'); // to the English name
  await page.keyboard.type('Double Tuesday');
  assert.deepEqual((await json(page)).earn[4], { id: 'double-tuesday', name: 'Double Tuesday', type: 'per_spend', points: 1, per_minor: 100 });
  assert.ok(await page.getByRole('button', { name: 'Remove: Earning rule 5 — Double Tuesday' }).isVisible(), 'the button names the rule as typed');
  assert.match(await page.textContent('[data-editor-announce]'), /Added: Earning rule 5/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// --- languages ---------------------------------------------------------------------------------

/** Every English text the merchant page's sources hand to tr(), or give the editor as a label. */
function textsInSources() {
  const files = [path.join(DEMO, 'shop', 'public', 'merchant.js'), ...fs.readdirSync(path.join(DEMO, 'shop', 'public', 'editor')).map((f) => path.join(DEMO, 'shop', 'public', 'editor', f))];
  const server = fs.readFileSync(path.join(DEMO, 'shop', 'server.mjs'), 'utf8');
  const page = server.slice(server.indexOf('function merchantPage('), server.indexOf('// API for the shop'));
  const found = new Set();
  const unquote = (s) => s.replace(/\\'/g, "'");
  for (const text of [...files.filter((f) => !f.endsWith('i18n.mjs')).map((f) => fs.readFileSync(f, 'utf8')), page]) {
    for (const m of text.matchAll(/\btr\('((?:[^'\\]|\\.)*)'/g)) found.add(unquote(m[1]));
    for (const m of text.matchAll(/\b(?:label|hint|anyLabel|itemLabel|add|toggle|typeLabel): '((?:[^'\\]|\\.)*)'/g)) found.add(unquote(m[1]));
    for (const m of text.matchAll(/\[(?:'[\w-]*'|true|false), '((?:[^'\\]|\\.)*)'\]/g)) found.add(unquote(m[1]));
    for (const m of text.matchAll(/(?:anyLabel \?\?|label =) '((?:[^'\\]|\\.)*)'/g)) found.add(unquote(m[1]));
    for (const m of text.matchAll(/\b(?:int|money|decimal|text|names|choice|bool|list|ref|group)\('[^']*', '((?:[^'\\]|\\.)*)'/g)) found.add(unquote(m[1]));
  }
  return found;
}

const keysOf = (o, prefix = '') => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keysOf(v, `${prefix}${k}.`) : [`${prefix}${k}`])).sort();

test('every merchant-page text has en, es, pl and ro (key sets compared)', () => {
  const [en, ...others] = MERCHANT_LANGUAGES;
  for (const lang of others) assert.deepEqual(Object.keys(MESSAGES[lang]).sort(), Object.keys(MESSAGES[en]).sort(), `${lang} has every key`);
  for (const row of [...PAGE_ROWS, ...EDITOR_ROWS]) {
    assert.equal(row.length, 4, `${row[0]}: four languages`);
    for (const t of row) assert.ok(typeof t === 'string' && t.trim(), `${row[0]}: no empty translation`);
  }
  // A translation keeps the placeholders it is given.
  for (const lang of others) {
    for (const [key, text] of Object.entries(MESSAGES[lang])) assert.deepEqual((text.match(/\{\w+\}/g) ?? []).sort(), (key.match(/\{\w+\}/g) ?? []).sort(), `${lang}: placeholders of "${key}"`);
  }
  const missing = [...textsInSources()].filter((t) => !Object.hasOwn(MESSAGES.en, t));
  assert.deepEqual(missing, [], 'texts used by the page without a row of translations');
  // The version comparison's sentences too.
  for (const lang of MERCHANT_LANGUAGES) assert.deepEqual(keysOf(DIFF_WORDS[lang]), keysOf(DIFF_WORDS.en), `program-diff words in ${lang}`);
  // Polish and Romanian are real translations, not English copies (language names aside).
  for (const lang of ['pl', 'ro']) {
    const same = Object.entries(MESSAGES[lang]).filter(([k, v]) => k === v && /[a-z]{4,}/.test(k) && !['English', 'Español', 'Polski', 'Română', 'Program', 'Status', 'Segment', 'Credit', 'Nivel'].includes(k));
    assert.ok(same.length < 3, `${lang}: left in English: ${same.map(([k]) => k).join(', ')}`);
  }
});

for (const lang of MERCHANT_LANGUAGES) {
  test(`${lang}: the merchant page speaks ${lang}, marks it in <html lang>, and offers all four languages`, async () => {
    const page = await openMerchant('cafe', lang);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    const links = page.locator('nav.m-lang a');
    assert.deepEqual(await links.evaluateAll((as) => as.map((a) => a.getAttribute('hreflang'))), MERCHANT_LANGUAGES);
    assert.equal(await page.getAttribute('nav.m-lang a[aria-current]', 'hreflang'), lang);
    const tr = MESSAGES[lang];
    assert.equal(await page.textContent('#ed-h'), tr['Program document']);
    assert.equal(await page.getByRole('tab', { selected: true }).textContent(), tr.Form);
    assert.ok(await page.getByRole('button', { name: `+ ${tr['Add earning rule']}` }).isVisible());
    assert.ok(await page.getByRole('heading', { name: tr['Ways to earn'] }).isVisible());
    // Names per language: the reward's Spanish name shows in its Español field.
    assert.equal(await page.inputValue('[data-pointer="/rewards/0/name/es"]'), 'Café gratis');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

// --- accessibility and looks ---------------------------------------------------------------------

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

for (const lang of ['en', 'pl']) {
  test(`axe: no violations with the form editor open, every group unfolded and an error shown (${lang})`, async () => {
    assert.ok(fs.existsSync(AXE), `axe-core is installed in web/ (${AXE})`);
    const page = await openMerchant('fashion', lang);
    await page.locator('[data-pointer="/earn/0/points"]').fill('-1');
    await page.waitForSelector('[data-form-editor] [aria-invalid="true"]');
    await page.evaluate(() => { for (const d of document.querySelectorAll('[data-form-editor] details')) d.open = true; });
    assert.deepEqual(await axe(page), []);
    await page.getByRole('tab', { selected: false }).click();
    assert.deepEqual(await axe(page), [], 'the JSON view too');
    await page.context().close();
  });
}

test('screenshots of the editor: desktop and 375 px, en / es / pl', async () => {
  for (const lang of ['en', 'es', 'pl']) {
    for (const [label, width] of [['desktop', 1366], ['375', 375]]) {
      const page = await openMerchant('fashion', lang, width);
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(SHOTS, `form-${label}-${lang}.png`), fullPage: width < 600 ? false : false });
      // An earning rule with its groups open, scrolled into view.
      const rule = item(page, '/earn/1');
      await rule.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, `rule-${label}-${lang}.png`) });
      await page.context().close();
    }
  }
});
