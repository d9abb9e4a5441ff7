// Store time for the shopper: the hours of an earning window ("Friday 16:00–18:00") are the
// store's wall clock (the program's `time_zone`, or its fixed `utc_offset`), so the widget says
// "store time" when the shopper's clock may read differently. The core does the arithmetic;
// this only decides whether to say so.

/** Minutes east of UTC of "-05:00" / "+05:30" / "Z"; null when it is not an offset. */
export function offsetMinutes(text) {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d\d):(\d\d)$/.exec(String(text ?? ''));
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : null;
}

/** Minutes east of UTC that an IANA zone has in force at `at`; null when Intl does not know it. */
export function zoneOffsetMinutes(zone, at) {
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
    return name === 'GMT' ? 0 : offsetMinutes(name.replace(/^GMT/, ''));
  } catch {
    return null;  // a POSIX rule ("EST5EDT,M3.2.0,M11.1.0") or a name this browser lacks
  }
}

function shopperZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  } catch {
    return '';
  }
}

/**
 * True when the store's clock may differ from the shopper's, now or half a year from now (the
 * other side of a daylight-saving change). No program: nothing to say.
 */
export function storeTimeDiffers(program, now = new Date(), shopper = shopperZone()) {
  if (!program || typeof program !== 'object') return false;
  const store = program.time_zone;
  if (typeof store === 'string' && store === shopper) return false;
  const later = new Date(now.getTime() + 182 * 86400000);
  return [now, later].some((at) => {
    const mine = zoneOffsetMinutes(shopper, at) ?? -at.getTimezoneOffset();
    const theirs = typeof store === 'string' ? zoneOffsetMinutes(store, at) : offsetMinutes(program.utc_offset ?? '+00:00');
    return theirs === null || theirs !== mine;
  });
}
