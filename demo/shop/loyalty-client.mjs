// What a merchant backend needs from the loyalty server: HS256 shopper tokens and admin calls.
// The admin key and the token secret live here, on the server side, and never reach a browser.
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';

// A few kept-alive connections per loyalty server, reused by every call. (Many parallel
// connections each hold one of the server's worker threads while they idle; a small pool keeps
// the shop fast however many pages ask at once.)
const agent = new http.Agent({ keepAlive: true, maxSockets: 4, keepAliveMsecs: 1000 });

/** fetch()-like, over node:http with the shared pool: {status, ok, headers.get(), text(), buffer}. */
export function loyaltyFetch(url, { method = 'GET', headers = {}, body } = {}) {
  if (body !== undefined && body !== null) headers = { ...headers, 'content-length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const buffer = Buffer.concat(chunks);
        resolve({
          status: res.statusCode, ok: res.statusCode >= 200 && res.statusCode < 300, buffer,
          headers: { get: (k) => res.headers[k.toLowerCase()] ?? null },
          text: async () => buffer.toString('utf8'),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('loyalty server timed out')));
    if (body !== undefined && body !== null) req.end(body); else req.end();
  });
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

/** A JSON Web Token (HS256) saying who the shopper is: sub = member id, exp = expiry. */
export function mintToken(memberId, secret, ttlSeconds = 3600) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ sub: memberId, iat: now, exp: now + ttlSeconds }));
  const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}

export class LoyaltyAdmin {
  constructor(baseUrl, adminKey, tokenSecret) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.adminKey = adminKey;
    this.tokenSecret = tokenSecret;
  }

  async request(method, path, { body, admin = true, token, idempotencyKey, headers = {} } = {}) {
    const h = { accept: 'application/json', ...headers };
    if (admin) h['x-admin-key'] = this.adminKey;
    if (token) h.authorization = `Bearer ${token}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD') h['idempotency-key'] = idempotencyKey ?? randomUUID();
    let res;
    for (let attempt = 0; ; attempt++) {
      res = await loyaltyFetch(this.baseUrl + path, {
        method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
      });
      // The server rate-limits per client; seeding a year of history is a burst. The same
      // Idempotency-Key makes the retry safe.
      if (res.status !== 429 || attempt >= 30) break;
      const wait = Math.min(2000, 1000 * Number(res.headers.get('retry-after') || 0) || 150 * (attempt + 1));
      await new Promise((r) => setTimeout(r, wait));
    }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = { error: { code: 'bad_response', message: text.slice(0, 200), path: '' } }; }
    return { status: res.status, ok: res.ok, data, headers: res.headers };
  }

  enroll(member, opts) { return this.request('POST', '/v1/members', { body: member, ...opts }); }
  postOrder(order, opts) { return this.request('POST', '/v1/orders', { body: order, ...opts }); }
  refund(refund, opts) { return this.request('POST', '/v1/refunds', { body: refund, ...opts }); }
  adjust(adj, opts) { return this.request('POST', '/v1/adjustments', { body: adj, ...opts }); }
  membership(memberId, event, opts) {
    return this.request('POST', `/v1/members/${encodeURIComponent(memberId)}/membership`, { body: event, ...opts });
  }
  metrics(from, until) {
    const q = new URLSearchParams({ from, until });
    return this.request('GET', `/v1/metrics?${q}`);
  }
  events(memberId) { return this.request('GET', `/v1/events?member=${encodeURIComponent(memberId)}&limit=1000`); }
  program(version) {
    return version ? this.request('GET', `/v1/program?version=${Number(version)}`) : this.request('GET', '/v1/program', { admin: false });
  }
  // The loyalty server numbers the version; `note` is kept with it, and `baseVersion` (the one
  // the merchant edited) makes a publish over a newer version fail (412) instead of overwriting.
  putProgram(doc, { note, baseVersion, ...opts } = {}) {
    const q = note ? `?${new URLSearchParams({ note })}` : '';
    const headers = baseVersion ? { 'if-match': `"${baseVersion}"` } : {};
    return this.request('PUT', `/v1/program${q}`, { body: doc, headers, ...opts });
  }
  programVersions() { return this.request('GET', '/v1/program/versions'); }
  memberState(memberId) {
    return this.request('GET', '/v1/members/me', { admin: false, token: mintToken(memberId, this.tokenSecret, 300) });
  }
  preview(memberId, body) {
    return this.request('POST', '/v1/members/me/preview', { admin: false, token: mintToken(memberId, this.tokenSecret, 300), body });
  }
  action(memberId, body) {
    return this.request('POST', '/v1/members/me/actions', { admin: false, token: mintToken(memberId, this.tokenSecret, 300), body });
  }
  async healthy() {
    try {
      const r = await loyaltyFetch(this.baseUrl + '/v1/program');
      return r.ok;
    } catch { return false; }
  }
}
