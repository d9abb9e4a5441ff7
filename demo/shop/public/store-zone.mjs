// The store's time zone on the merchant page: the zones to choose from (the browser's IANA list;
// the core's own table checks the choice), the zone put into a program document, and the
// RFC 3339 offset of a store-local wall time for the preview's sample cart.

/** IANA names this browser knows, for the zone picker. */
export function zoneNames() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['America/New_York', 'America/Lima', 'Europe/Warsaw', 'Europe/Bucharest', 'UTC'];
  }
}

/** The program's zone as a merchant names it: time_zone, else utc_offset, else UTC. */
export function zoneOf(program) {
  return program?.time_zone ?? program?.utc_offset ?? '+00:00';
}

/** A copy of the document with `zone` as its store time (an offset like -05:00 stays utc_offset). */
export function withZone(doc, zone) {
  const out = { ...doc };
  delete out.time_zone;
  delete out.utc_offset;
  if (/^[+-]\d\d:\d\d$/.test(zone)) out.utc_offset = zone;
  else out.time_zone = zone;
  return out;
}

const pad = (n) => String(Math.abs(n)).padStart(2, '0');
const offsetText = (minutes) => `${minutes < 0 ? '-' : '+'}${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`;

function intlOffset(zone, at) {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT(?:([+-])(\d\d):(\d\d))?$/.exec(name);
  return m && m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/**
 * The offset ("-04:00") the store's clock has at the wall time "2026-07-17T16:30". An IANA zone
 * is read through Intl; a POSIX rule gives its standard offset (the core applies the whole rule
 * when it evaluates the cart; this only writes the sample cart's time).
 */
export function storeOffset(program, wall) {
  const zone = zoneOf(program);
  if (/^[+-]\d\d:\d\d$/.test(zone)) return zone;
  const asUtc = Date.parse(`${wall}:00Z`);
  try {
    let offset = intlOffset(zone, new Date(asUtc));
    offset = intlOffset(zone, new Date(asUtc - offset * 60000));  // the offset at that instant
    return offsetText(offset);
  } catch {
    const m = /^(?:<[^>]+>|[A-Za-z]{3,})([+-]?)(\d{1,2})(?::(\d\d))?/.exec(zone);
    return m ? offsetText((m[1] === '-' ? 1 : -1) * (Number(m[2]) * 60 + Number(m[3] ?? 0))) : '+00:00';
  }
}
