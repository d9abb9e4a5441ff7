// A stand-in for build/bin/loyalty-server, for developing the demo before (or without) the real
// one: the same flags and the HTTP API of sync.md, the rules answered by the WebAssembly core,
// the ledger kept as a JSON file. Not for production: no WAL, no per-member locks, no limits.
// start.sh uses it only when build/bin/loyalty-server is missing, and says so.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { loadNode } = await import(path.resolve(here, '../../wasm/js/node.mjs'));
const core = await loadNode();

const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const port = Number(arg('port', 8181));
const bind = arg('bind', '127.0.0.1');
const dbFile = arg('db', null);
const adminKey = arg('admin-key', 'demo-admin-key');
const secret = arg('token-secret', 'demo-token-secret');

let db = dbFile && fs.existsSync(dbFile) ? JSON.parse(fs.readFileSync(dbFile, 'utf8')) : null;
if (!db) {
  const program = JSON.parse(fs.readFileSync(arg('program'), 'utf8'));
  core.call('validate', { program });
  db = { programs: [program], members: {}, events: {}, seq: 0, idem: {} };
}
const save = () => { if (dbFile) fs.writeFileSync(dbFile + '.tmp', JSON.stringify(db)), fs.renameSync(dbFile + '.tmp', dbFile); };
save();
const program = () => db.programs[db.programs.length - 1];
const nowIso = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function verify(token) {
  const parts = String(token ?? '').split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url'));
    if (header.alg !== 'HS256') return null;
    const sig = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
    const got = Buffer.from(parts[2], 'base64url');
    if (got.length !== sig.length || !timingSafeEqual(got, sig)) return null;
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url'));
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return null;
    return claims.sub;
  } catch { return null; }
}

// Each member's state is kept and moved on with `apply` under the program of the moment, so a
// new program version never rewrites what earlier orders earned.
db.states ??= {};
function state(member) {
  return db.states[member] ?? null;
}

function addEvent(member, ev) {
  const list = db.events[member] ?? (db.events[member] = []);
  ev.id = `evt-${String(++db.seq).padStart(8, '0')}`;
  ev.at = ev.at ?? nowIso();
  const st = core.call('apply', { program: program(), state: state(member), event: ev, now: ev.at });
  const last = st.history.find((h) => h.event_id === ev.id);
  if (!last || last.kind !== 'rejected') { list.push(ev); db.states[member] = st; }
  if (last && last.kind === 'rejected') {
    const e = last.error;
    const status = ['insufficient_points', 'not_eligible', 'limit_exceeded', 'unknown_reward'].includes(e.code) ? 422 : 400;
    throw Object.assign(new Error(e.message), { status, body: { error: e } });
  }
  return st;
}

const err = (status, code, message, p = '') => Object.assign(new Error(message), { status, body: { error: { code, message, path: p } } });

async function handle(req, res, body) {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  const isAdmin = req.headers['x-admin-key'] === adminKey;
  const needAdmin = () => { if (!isAdmin) throw err(401, 'unauthorized', 'admin key required'); };
  const me = () => {
    const m = verify((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!m) throw err(401, 'unauthorized', 'invalid token');
    if (!db.members[m]) throw err(404, 'not_found', 'member not enrolled');
    return m;
  };
  if (req.method === 'GET' && p === '/v1/program') return [200, program(), { etag: `"${program().version ?? 1}"` }];
  if (req.method === 'PUT' && p === '/v1/program') {
    needAdmin();
    try { core.call('validate', { program: body }); } catch (e) { throw err(400, e.code, e.message, e.path); }
    db.programs.push(body);
    return [200, body];
  }
  if (req.method === 'GET' && p === '/v1/program/versions') return [200, { versions: db.programs.map((x) => ({ version: x.version })) }];
  if (req.method === 'POST' && p === '/v1/members') {
    needAdmin();
    const id = body.member_id ?? `m-${db.seq + 1}`;
    if (db.members[id]) return [200, state(id)];
    db.members[id] = { name: body.name, email: body.email, phone: body.phone };
    const ev = { type: 'enroll', member_id: id, channel: body.channel ?? 'web', at: body.at };
    if (body.birthday) ev.birthday = body.birthday;
    if (body.referred_by) ev.referred_by = body.referred_by;
    const st = addEvent(id, ev);
    if (body.referred_by && db.members[body.referred_by]) addEvent(body.referred_by, { type: 'referral_completed', referee: id, at: body.at });
    return [200, st];
  }
  if (req.method === 'GET' && p === '/v1/members/me') return [200, state(me())];
  if (req.method === 'POST' && p === '/v1/members/me/preview') {
    const m = me();
    return [200, core.call('preview', { program: program(), state: state(m), cart: body.cart, redeem: body.redeem ?? [], vouchers: body.vouchers ?? [], now: nowIso() })];
  }
  if (req.method === 'POST' && p === '/v1/members/me/actions') return [200, addEvent(me(), { type: 'action', action: body.action })];
  if (req.method === 'POST' && p === '/v1/members/me/redemptions') {
    const ev = { type: 'redeem', reward: body.reward };
    if (body.option) ev.option = body.option;
    return [200, addEvent(me(), ev)];
  }
  if (req.method === 'POST' && p === '/v1/orders') {
    needAdmin();
    if (!db.members[body.member_id]) throw err(404, 'not_found', 'member not enrolled');
    const ev = { type: 'order', order_id: body.order_id, cart: body.cart, redeem: body.redeem ?? [], vouchers: body.vouchers ?? [], at: body.at ?? body.cart?.at };
    return [200, addEvent(body.member_id, ev)];
  }
  if (req.method === 'POST' && p === '/v1/refunds') {
    needAdmin();
    const ev = { type: 'refund', order_id: body.order_id, at: body.at };
    if (body.lines) ev.lines = body.lines;
    return [200, addEvent(body.member_id, ev)];
  }
  if (req.method === 'POST' && p === '/v1/adjustments') {
    needAdmin();
    return [200, addEvent(body.member_id, { type: 'adjust', points: body.points, reason: body.reason, at: body.at })];
  }
  if (req.method === 'GET' && p === '/v1/events') {
    needAdmin();
    const m = url.searchParams.get('member');
    return [200, { events: m ? db.events[m] ?? [] : Object.values(db.events).flat() }];
  }
  if (req.method === 'GET' && p === '/v1/metrics') {
    needAdmin();
    const members = Object.keys(db.members).map((id) => ({ member_id: id, events: db.events[id] }));
    return [200, core.call('metrics', { program: program(), members, from: url.searchParams.get('from'), until: url.searchParams.get('until'), total_customers: Math.round(members.length * 1.6) })];
  }
  throw err(404, 'not_found', 'no such route');
}

http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const raw = Buffer.concat(chunks).toString('utf8');
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'authorization, content-type, idempotency-key, if-none-match', 'access-control-allow-methods': 'GET, POST, PUT' };
  if (req.method === 'OPTIONS') { res.writeHead(204, cors); return res.end(); }
  let status; let out; let headers = {};
  const key = req.headers['idempotency-key'];
  const hash = createHash('sha256').update(req.method + req.url + raw).digest('hex');
  if (key && db.idem[key]) {
    const prev = db.idem[key];
    [status, out] = prev.hash === hash ? [prev.status, prev.body] : [409, { error: { code: 'conflict', message: 'idempotency key reused with another body', path: '' } }];
  } else {
    try {
      const body = raw ? JSON.parse(raw) : {};
      [status, out, headers = {}] = await handle(req, res, body);
    } catch (e) {
      status = e.status ?? (e.code ? 400 : 500);
      out = e.body ?? { error: { code: e.code ?? 'internal', message: e.message, path: e.path ?? '' } };
    }
    if (key && req.method !== 'GET' && status < 500) db.idem[key] = { hash, status, body: out };
    if (req.method !== 'GET') save();
  }
  res.writeHead(status, { 'content-type': 'application/json', ...cors, ...headers });
  res.end(JSON.stringify(out));
}).listen(port, bind, () => console.log(`mock loyalty server on http://${bind}:${port}`));
