// Test harness: the real build/bin/loyalty-server on a loopback port with a temporary SQLite
// database, serving a temporary folder (the built widget + test pages) at / with --static, and
// headless Chromium (Debian's, through playwright-core). Nothing is mocked.
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_BUILD = path.join(ROOT, 'build/web');
export const SERVER = path.join(ROOT, 'build/bin/loyalty-server');
export const SCREENSHOTS = path.join(ROOT, 'build/screenshots/web');
const ADMIN_KEY = 'test-admin-key';
const SECRET = 'test-token-secret';

const b64url = (data) => Buffer.from(data).toString('base64url');

/** An HS256 member token, as a merchant backend mints it (sync.md "Identity"). */
export function mintToken(member, { secret = SECRET, ttl = 3600 } = {}) {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ sub: member, exp: Math.floor(Date.now() / 1000) + ttl }));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/**
 * A demo program as the tests written before names in several languages expect it: every
 * {tag: text} name or text replaced by its English text (`{english: false}` keeps the languages).
 * The demo's programs are the demo's to change; the tests' expectations stay what they were.
 */
export function programFile(name, { english = true } = {}) {
  const program = JSON.parse(fs.readFileSync(path.join(ROOT, 'demo/programs', `${name}.json`), 'utf8'));
  if (!english) return program;
  const text = (v) => (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string') ? (v.en ?? Object.values(v)[0]) : v);
  const walk = (v) => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = k === 'name' || k === 'details' ? text(x) : k === 'benefits' && Array.isArray(x) ? x.map(text) : walk(x);
    return out;
  };
  return walk(program);
}

/** Starts the server with `program`; returns {base, admin(), shopper(), page(), stop()}. */
export async function startServer(program) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-web-'));
  const site = path.join(dir, 'site');
  fs.mkdirSync(path.join(site, 'loyalty'), { recursive: true });
  for (const f of fs.readdirSync(WEB_BUILD)) fs.copyFileSync(path.join(WEB_BUILD, f), path.join(site, 'loyalty', f));
  fs.copyFileSync(path.join(ROOT, 'web/node_modules/axe-core/axe.min.js'), path.join(site, 'axe.min.js'));
  const programPath = path.join(dir, 'program.json');
  fs.writeFileSync(programPath, JSON.stringify(program));
  const child = spawn(SERVER, ['--port', '0', '--db', path.join(dir, 'test.db'), '--program', programPath, '--admin-key', ADMIN_KEY, '--token-secret', SECRET, '--static', site, '--rate-limit', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => {
    log = (log + d).slice(-20000);
  });
  const first = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`loyalty-server exited with ${code}: ${log}`)));
  });
  const base = `http://${JSON.parse(first).listening}`;

  async function call(method, p, body, headers = {}) {
    const h = { ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (method !== 'GET') h['idempotency-key'] ??= randomUUID();
    const r = await fetch(base + p, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, data: text ? JSON.parse(text) : null };
  }

  return {
    base,
    site,
    admin: (method, p, body) => call(method, p, body, { 'x-admin-key': ADMIN_KEY }),
    shopper: (member, method, p, body) => call(method, p, body, { authorization: `Bearer ${mintToken(member)}` }),
    /** Writes a test page into the served folder and returns its URL. */
    // bootstrap: {program, etag, state} embedded as the shop's server would (data-bootstrap).
    // attrs: more attributes for the script tag, e.g. {'data-sign-in-url': '/login'} (escaped).
    page(name, { token = '', locale = 'en', body = '', refresh = 0, head = '', bootstrap = null, attrs = {} }) {
      const more = Object.entries(attrs).map(([k, v]) => ` ${k}="${String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`).join('');
      const boot = bootstrap ? `<script type="application/json" id="boot">${JSON.stringify(bootstrap).replace(/</g, '\\u003c')}</script>\n` : '';
      const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Widget test</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;background:#f6f5f2;color:#1c2421} main{max-width:760px;margin:auto;display:grid;gap:24px}</style>${head}
${boot}<script src="/loyalty/loyalty.js" async data-api="" data-token="${token}" data-locale="${locale}" data-refresh="${refresh}"${bootstrap ? ' data-bootstrap="boot"' : ''}${more}></script></head>
<body><main>${body}</main></body></html>`;
      fs.writeFileSync(path.join(site, `${name}.html`), html);
      return `${base}/${name}.html`;
    },
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
}

/** A page that fails the test on any uncaught error and records console errors. */
export async function openPage(browser, url, { width = 1280, height = 900, context } = {}) {
  // Reduced motion: screenshots never catch an animation half-way (the widget honours the setting).
  const ctx = context ?? (await browser.newContext({ viewport: { width, height }, reducedMotion: 'reduce' }));
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  page.on('dialog', (d) => {
    page.errors.push(new Error(`unexpected dialog: ${d.message()}`));
    d.dismiss();
  });
  await page.goto(url);
  await page.waitForFunction(() => window.Loyalty && window.Loyalty.ready);
  await page.evaluate(() => window.Loyalty.ready);
  return page;
}

/** The text of an element's shadow root (what a shopper reads). */
export function shadowText(page, selector) {
  return page.evaluate((s) => document.querySelector(s)?.shadowRoot?.textContent ?? '', selector);
}

export async function enroll(server, member, extra = {}) {
  const r = await server.admin('POST', '/v1/members', { member_id: member, email: `${member}@example.com`, ...extra });
  if (r.status !== 200 && r.status !== 201) throw new Error(`enroll ${member}: ${r.status} ${JSON.stringify(r.data)}`);
  return r.data;
}
