// The browser side of sync (spec/sync.md): the program cached by ETag, the member state fetched
// and cached for an instant first render, and writes that carry an Idempotency-Key made when the
// shopper acted and wait in a persistent queue while the page is offline. The server always
// wins: every answer replaces what the page had. The client holds no secret: the token comes
// from the page each time and is never stored; the queue keeps only paths, bodies and keys.

const PREFIX = 'loyalty:v1';
const MAX_BACKOFF_MS = 60_000;

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) };
}

function safeStorage(storage) {
  try {
    const probe = `${PREFIX}:probe`;
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return memoryStorage(); // private mode, storage disabled, or no window
  }
}

/** The token's subject, read without checking the signature (only to key the caches by member). */
export function tokenSubject(token) {
  try {
    const part = String(token).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')));
    return typeof claims.sub === 'string' ? claims.sub : '';
  } catch {
    return '';
  }
}

export function newKey() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class SyncError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.name = 'SyncError';
    this.status = status;
    this.code = error?.code ?? (status === 0 ? 'offline' : 'http_error');
    this.path = error?.path ?? '';
  }
}

/**
 * Events (EventTarget): "state" (detail: member state from the server), "signed-out" (a 401),
 * "queue" (detail: {size, items}), "rejected" (detail: {item, error}), "applied" (detail: {item}).
 */
export class SyncClient extends EventTarget {
  constructor({ api, token = '', storage = globalThis.localStorage, fetch = globalThis.fetch?.bind(globalThis) } = {}) {
    super();
    this.api = String(api ?? '').replace(/\/+$/, '');
    this.token = token || '';
    this.member = this.token ? tokenSubject(this.token) : '';
    this.rawStorage = storage;
    this.checkedStorage = null;
    this.fetch = fetch;
    this.backoff = 0;
    this.timer = null;
    this.flushing = null;
  }

  // Probed on first use: a page's first touch of localStorage opens it, which takes a while in
  // Chromium (docs/performance.md); the widget does it after its requests are on their way.
  get storage() {
    this.checkedStorage ??= safeStorage(this.rawStorage);
    return this.checkedStorage;
  }

  key(what) {
    return `${PREFIX}:${what}:${this.api}${what === 'program' ? '' : `:${this.member}`}`;
  }

  read(what) {
    try {
      return JSON.parse(this.storage.getItem(this.key(what)) ?? 'null');
    } catch {
      return null;
    }
  }

  write(what, value) {
    try {
      if (value == null) this.storage.removeItem(this.key(what));
      else this.storage.setItem(this.key(what), JSON.stringify(value));
    } catch {
      // quota exceeded: the caches are an optimisation, the queue is re-sent from memory
    }
  }

  async request(method, path, { body, headers = {}, auth = true } = {}) {
    const h = { accept: 'application/json', ...headers };
    if (auth && this.token) h.authorization = `Bearer ${this.token}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    let response;
    try {
      response = await this.fetch(`${this.api}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
    } catch (cause) {
      throw new SyncError(0, { code: 'offline', message: cause?.message ?? 'network error' });
    }
    let data = null;
    const text = await response.text().catch(() => '');
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    // Only 401 says the token is no good. A 403 refuses one call (a reward for another audience,
    // say) to a session that is still valid, so it must not sign the shopper out.
    if (response.status === 401) this.dispatchEvent(new Event('signed-out'));
    return { status: response.status, ok: response.ok, data, headers: response.headers };
  }

  /** The cached program (instant render), or null. */
  cachedProgram() {
    return this.read('program')?.program ?? null;
  }

  /**
   * The program from the server, revalidated with If-None-Match; falls back to the cache offline.
   * seed: {etag, program} the page embedded (bootstrap), newer than any cache when its tag differs.
   */
  async program(seed = null) {
    const stored = this.read('program');
    const cached = seed?.etag && seed.program && seed.etag !== stored?.etag ? { etag: seed.etag, program: seed.program } : stored;
    try {
      const r = await this.request('GET', '/v1/program', { auth: false, headers: cached?.etag ? { 'if-none-match': cached.etag } : {} });
      if (r.status === 304 && cached) {
        if (cached !== stored) this.write('program', cached); // the page's copy is current: keep it
        return { program: cached.program, fresh: true, changed: false };
      }
      if (!r.ok || !r.data) throw new SyncError(r.status, r.data?.error);
      const etag = r.headers.get('etag');
      this.write('program', { etag, program: r.data });
      return { program: r.data, fresh: true, changed: JSON.stringify(cached?.program) !== JSON.stringify(r.data) };
    } catch (e) {
      if (cached) return { program: cached.program, fresh: false, changed: false, error: e };
      throw e;
    }
  }

  cachedMember() {
    return this.member ? this.read('member') : null;
  }

  /** The member state from the server; null for a guest. Throws SyncError (401 = signed out). */
  async memberState() {
    if (!this.token) return null;
    const r = await this.request('GET', '/v1/members/me');
    if (!r.ok) throw new SyncError(r.status, r.data?.error);
    this.accept(r.data);
    return r.data;
  }

  accept(state) {
    if (!state || typeof state !== 'object' || typeof state.balance !== 'number') return;
    this.write('member', state);
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }

  queue() {
    const q = this.read('queue');
    return Array.isArray(q) ? q : [];
  }

  /** Queues a shopper write made now (its idempotency key is fixed here) and tries to send it. */
  enqueue(path, body) {
    const item = { key: newKey(), path, body, made_at: new Date().toISOString() };
    this.write('queue', [...this.queue(), item]);
    this.queueChanged();
    this.flush();
    return item;
  }

  queueChanged() {
    const items = this.queue();
    this.dispatchEvent(new CustomEvent('queue', { detail: { size: items.length, items } }));
  }

  /** Sends the queued writes in order; each answer is final except network errors, 429 and 5xx. */
  flush() {
    if (this.flushing) return this.flushing;
    const run = async () => {
      for (;;) {
        const [item] = this.queue();
        if (!item || !this.token) return;
        let r;
        try {
          r = await this.request('POST', item.path, { body: item.body, headers: { 'idempotency-key': item.key } });
        } catch {
          this.retryLater();
          return;
        }
        if (r.status === 429 || r.status >= 500 || r.status === 401) {
          // 401: kept for when the page has a fresh token; the rest: the server will answer later.
          if (r.status !== 401) this.retryLater();
          return;
        }
        this.write('queue', this.queue().filter((x) => x.key !== item.key));
        this.backoff = 0;
        this.queueChanged();
        if (r.ok) {
          // A claim answers {reward, voucher, state}; every other write the state itself.
          this.accept(typeof r.data?.balance === 'number' ? r.data : r.data?.state);
          this.dispatchEvent(new CustomEvent('applied', { detail: { item, answer: r.data } }));
        } else {
          this.dispatchEvent(new CustomEvent('rejected', { detail: { item, error: new SyncError(r.status, r.data?.error) } }));
        }
      }
    };
    // Cleared in a later microtask, after the assignment: a run that finds the queue empty ends
    // synchronously, and clearing inside it would leave a settled promise in `flushing` for good.
    this.flushing = run().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  retryLater() {
    if (this.timer) return;
    this.backoff = Math.min(MAX_BACKOFF_MS, this.backoff ? this.backoff * 2 : 1000);
    const jitter = Math.floor(Math.random() * 250);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.backoff + jitter);
  }

  /** The page came back online: send now instead of waiting out the backoff. */
  online() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.backoff = 0;
    return this.flush();
  }
}
