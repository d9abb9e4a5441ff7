// Turns the core's machine-readable answers into the shopper's language: message catalogs,
// Intl for money, numbers, dates and plurals, and the explanation objects ({key, args}) of
// history entries, earning lines and ways to earn. Everything here returns plain strings that the
// elements put into text nodes; nothing is ever parsed as HTML.
import en from './messages/en.js';
import es from './messages/es.js';
import pl from './messages/pl.js';
import ro from './messages/ro.js';
import { localText, pointsWord } from './local-text.js';
import { storeTimeDiffers } from './store-time.js';

export const CATALOGS = Object.freeze({ en, es, pl, ro });
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The catalog language for a BCP 47 tag ("es-PE" → "es"), English when we have none. */
export function catalogLanguage(tag) {
  const lang = String(tag || '').toLowerCase().split(/[-_]/)[0];
  return Object.hasOwn(CATALOGS, lang) ? lang : 'en';
}

/** The locale to use: the script tag's data-locale, else the page's lang, else the browser's. */
export function chooseLocale(requested, doc = globalThis.document, nav = globalThis.navigator) {
  for (const tag of [requested, doc?.documentElement?.lang, ...(nav?.languages ?? [])]) {
    if (!tag) continue;
    try {
      return Intl.getCanonicalLocales(tag)[0];
    } catch {
      // not a language tag: try the next source
    }
  }
  return 'en';
}

// Where a currency's symbol is at home: "en" alone writes "PEN 12.50"; Peru writes "S/ 12.50".
// The shopper's locale keeps its digits and order; only an ISO code is swapped for the symbol.
const CURRENCY_HOME = { PEN: 'es-PE', MXN: 'es-MX', COP: 'es-CO', CLP: 'es-CL', ARS: 'es-AR', BRL: 'pt-BR', PLN: 'pl-PL', RON: 'ro-RO', KWD: 'ar-KW', BHD: 'ar-BH' };

/** A currency format ({format(n)}) that shows the currency's symbol rather than its code. */
function moneyFormat(locale, currency) {
  const options = { style: 'currency', currency, currencyDisplay: 'narrowSymbol' };
  const home = CURRENCY_HOME[currency];
  // A Spanish shopper paying in soles reads Peruvian Spanish ("S/ 12.50", as the shop prints it),
  // unless the page asked for a region of its own ("es-MX").
  if (home && !/[-_]/.test(locale) && catalogLanguage(home) === catalogLanguage(locale)) {
    try {
      return new Intl.NumberFormat(home, options);
    } catch {
      // no data for the home locale: fall through
    }
  }
  const own = new Intl.NumberFormat(locale, options);
  const symbolOf = (f) => f.formatToParts(1).find((p) => p.type === 'currency')?.value;
  let symbol = null;
  if (symbolOf(own) === currency && home) {
    try {
      const homeSymbol = symbolOf(new Intl.NumberFormat(home, options));
      if (homeSymbol && homeSymbol !== currency) symbol = homeSymbol;
    } catch {
      // no data for the home locale: keep the code
    }
  }
  if (!symbol) return own;
  return {
    resolvedOptions: () => own.resolvedOptions(),
    format: (n) =>
      own
        .formatToParts(n)
        .map((p) => (p.type === 'currency' ? symbol : p.value))
        .join(''),
  };
}

function humanize(id) {
  const text = String(id ?? '').replace(/[-_]+/g, ' ').trim();
  return text ? text[0].toUpperCase() + text.slice(1) : '';
}

function capitalize(text) {
  return text ? text[0].toLocaleUpperCase() + text.slice(1) : text;
}

export class I18n {
  /** locale: a BCP 47 tag; program: the program document (currency, names, points label). */
  constructor(locale, program = null) {
    this.locale = locale;
    this.lang = catalogLanguage(locale);
    this.messages = CATALOGS[this.lang];
    this.formats = null;
    this.setProgram(program);
  }

  /**
   * The Intl formatters, made on first use: Chromium's first Intl.NumberFormat on a page is slow
   * (it loads ICU data; docs/performance.md), so the widget sends its requests first and calls
   * warm() while they are in flight (app.js start), instead of paying it before anything else can
   * happen.
   */
  warm() {
    if (!this.formats) {
      const money = moneyFormat(this.locale, this.program?.currency ?? 'USD');
      this.formats = {
        plurals: new Intl.PluralRules(this.locale),
        numbers: new Intl.NumberFormat(this.locale),
        dates: new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium' }),
        money,
        minorDigits: money.resolvedOptions().maximumFractionDigits,
      };
    }
    return this.formats;
  }

  get plurals() {
    return this.warm().plurals;
  }

  setProgram(program) {
    const currency = program?.currency ?? 'USD';
    if (this.formats && (this.program?.currency ?? 'USD') !== currency) this.formats = null;
    this.program = program;
    this.storeTime = storeTimeDiffers(program);
    this.rewards = new Map((program?.rewards ?? []).map((r) => [r.id, r]));
    this.tiers = new Map((program?.tiers?.levels ?? []).map((t) => [t.id, t]));
    this.cards = new Map((program?.punch_cards ?? []).map((c) => [c.id, c]));
    this.rules = new Map((program?.earn ?? []).map((r) => [r.id, r]));
    this.wheels = new Map((program?.wheels ?? []).map((w) => [w.id, w]));
    this.challenges = new Map((program?.challenges ?? []).map((c) => [c.id, c]));
    this.segments = new Map((program?.segments ?? []).map((s) => [s.id, s]));
    this.defaultLanguage = program?.default_language ?? 'en';
  }

  /** Merchant text (a string or {tag: text}) in the shopper's language (program.md). */
  text(value) {
    return localText(value, this.locale, this.defaultLanguage);
  }

  /** The message for key with {placeholders} filled; plural messages choose by args.count. */
  t(key, args = {}) {
    let message = this.messages[key] ?? en[key] ?? key;
    if (typeof message === 'object') {
      const category = this.plurals.select(Number(args.count ?? 0));
      message = message[category] ?? message.other;
    }
    return message.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(args, name) ? String(args[name]) : whole));
  }

  number(n) {
    return this.warm().numbers.format(n);
  }

  /** A multiplier factor ("1.25" from the program or the core) in the shopper's digits: "1,25" in Polish. */
  factor(f) {
    const n = Number(f);
    if (f === '' || f == null || !Number.isFinite(n)) return String(f ?? '');
    this.factors ??= new Intl.NumberFormat(this.locale, { maximumFractionDigits: 4 });
    return this.factors.format(n);
  }

  /**
   * The calendar date of an instant as the shop's clock reads it (the offset written in the
   * stamp, e.g. "2028-01-01T00:00:00-05:00" is Jan 1, 2028 wherever the shopper is).
   */
  shopDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T/.exec(String(iso ?? ''));
    if (!m || /Z$/.test(iso)) return this.date(iso);
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
    this.shopDates ??= new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeZone: 'UTC' });
    return this.shopDates.format(d);
  }

  /**
   * The last day an `until` covers, as the shop's calendar reads it: a membership until
   * "2027-01-01T00:00:00-05:00" ends as Jan 1 starts, so its benefits last through Dec 31.
   */
  lastDay(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T00:00:00(?:\.0+)?(?:[+-]\d{2}:\d{2})$/.exec(String(iso ?? ''));
    if (!m) return this.shopDate(iso);
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) - 1, 12));
    this.shopDates ??= new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeZone: 'UTC' });
    return this.shopDates.format(d);
  }

  /** A change of points with its sign: "+120", "−40" (a true minus sign, as screen readers say it). */
  signed(n) {
    return `${n > 0 ? '+' : '−'}${this.number(Math.abs(n))}`;
  }

  money(minor) {
    const { money, minorDigits } = this.warm();
    return money.format(Number(minor) / 10 ** minorDigits);
  }

  date(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? '' : this.warm().dates.format(d);
  }

  /** "1,234 points": the program's own label when it sets one, else the catalog's word. */
  points(n) {
    return `${this.number(n)} ${this.unit(n)}`;
  }

  /** The word for n points: the program's points_label when it is not the default. */
  unit(n) {
    const category = this.plurals.select(Number(n));
    return pointsWord(this.program?.points_label, this.locale, category) ?? this.messages.unit[category] ?? this.messages.unit.other;
  }

  /** The name of `map`'s entry `id` in the shopper's language, else the id made readable. */
  nameIn(map, id) {
    return this.text(map.get(id)?.name) || humanize(id);
  }

  rewardName(id) {
    return this.nameIn(this.rewards, id);
  }

  tierName(id) {
    return this.nameIn(this.tiers, id);
  }

  cardName(id) {
    return this.nameIn(this.cards, id);
  }

  ruleName(id) {
    return this.nameIn(this.rules, id);
  }

  wheelName(id) {
    return this.nameIn(this.wheels, id);
  }

  challengeName(id) {
    return this.nameIn(this.challenges, id);
  }

  segmentName(id) {
    return this.nameIn(this.segments, id);
  }

  membershipName() {
    const m = this.program?.membership;
    return this.text(m?.name) || humanize(m?.id);
  }

  /** A prize of a wheel: its own name, else what it gives ("50 points", a reward), else "try again". */
  prizeName(wheel, prize) {
    const id = typeof prize === 'object' && prize ? prize.id : prize;
    const p = { ...(this.wheels.get(wheel)?.prizes ?? []).find((x) => x.id === id), ...(typeof prize === 'object' ? prize : { id }) };
    const own = this.text(p.name);
    if (own) return own;
    if (p.points) return this.points(p.points);
    if (p.reward) return this.rewardName(p.reward);
    return this.t('wheel.try_again');
  }

  /** A challenge step: its own name, else what does it (the action, or an order). */
  stepName(challenge, step) {
    const id = typeof step === 'object' && step ? step.id : step;
    const s = { ...(this.challenges.get(challenge)?.steps ?? []).find((x) => x.id === id), ...(typeof step === 'object' ? step : { id }) };
    const own = this.text(s.name);
    if (own) return own;
    if (s.action) return capitalize(this.t('challenge.step_action', { action: this.actionName(s.action) }));
    if (s.order) {
      const what = this.matchText(s.order.match) || this.t('challenge.anything');
      const min = s.order.min_order_minor;
      return min ? this.t('challenge.step_order_min', { what, amount: this.money(min) }) : this.t('challenge.step_order', { what });
    }
    return humanize(s.id);
  }

  /** A benefit (tier or membership): merchant text, or an identifier ("free_shipping") made readable. */
  benefit(value) {
    const text = this.text(value);
    return /^[a-z0-9]+(?:[_-][a-z0-9]+)*$/.test(text) ? humanize(text) : text;
  }

  /**
   * A reward's `details` as shopper text: a string, or an object of language tags to strings.
   * Other details (the fashion demo's {"ships_in_days": 5, "sku": …}) are data for the merchant:
   * ''.
   */
  details(value) {
    if (typeof value === 'string') return value;
    const tags = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
    // Text in languages: every value a string, and one key the program's default language or the
    // shopper's (a key such as "sku" could otherwise pass for a language tag).
    const base = (tag) => String(tag).toLowerCase().split(/[-_]/)[0];
    const known = [this.defaultLanguage, this.locale].map(base);
    const text = tags.length && tags.every(([, v]) => typeof v === 'string') && tags.some(([k]) => known.includes(base(k)));
    return text ? this.text(value) : '';
  }

  /** A match's includes as words ("Pastry, Latte"); '' when it matches everything. */
  matchText(m = {}) {
    return this.list([...(m?.skus ?? []), ...(m?.categories ?? [])].map(humanize));
  }

  actionName(action) {
    const key = `action.${action}`;
    return this.messages[key] ?? en[key] ?? humanize(action).toLowerCase();
  }

  list(items) {
    try {
      return new Intl.ListFormat(this.locale, { type: 'conjunction' }).format(items);
    } catch {
      return items.join(', ');
    }
  }

  dayNames(days) {
    // 2024-01-01 was a Monday; noon UTC keeps the weekday the same in every time zone.
    const f = new Intl.DateTimeFormat(this.locale, { weekday: 'long', timeZone: 'UTC' });
    return this.list(days.map((d) => f.format(new Date(Date.UTC(2024, 0, 1 + DAYS.indexOf(d), 12)))));
  }

  /** The text of an explanation object {key, args} from the core (history and earning lines). */
  explain(e, rule = '') {
    const a = e?.args ?? {};
    const args = {
      rule: this.ruleName(rule),
      points: a.points != null ? this.points(a.points) : '',
      amount: this.money(a.discount_minor ?? a.spend_minor ?? a.amount_minor ?? 0),
      count: a.quantity ?? a.count ?? a.punches ?? a.days ?? 0,
      factor: a.factor != null ? this.factor(a.factor) : '',
      tier: a.tier != null ? this.tierName(a.tier) : '',
      reward: a.reward != null ? this.rewardName(a.reward) : '',
      action: a.action != null ? this.actionName(a.action) : '',
      card: a.card != null ? this.cardName(a.card) : '',
      reason: a.reason ?? '',
      order: a.order_id ?? '',
      wheel: a.wheel != null ? this.wheelName(a.wheel) : '',
      prize: a.prize != null ? this.prizeName(a.wheel, { id: a.prize, ...(a.points ? { points: a.points } : {}), ...(a.reward ? { reward: a.reward } : {}) }) : '',
      challenge: a.challenge != null ? this.challengeName(a.challenge) : '',
      step: a.step != null ? this.stepName(a.challenge, a.step) : '',
      done: a.done ?? '',
      steps: a.steps ?? '',
      code: a.code ?? '',
      percent: a.percent != null ? this.factor(a.percent) : '',
      membership: a.membership != null ? this.membershipName() : '',
      date: a.until ? this.lastDay(a.until) : '',
      segment: a.segment != null ? this.segmentName(a.segment) : '',
    };
    if (a.credit_minor != null) args.amount = this.money(a.credit_minor);
    if (e?.key === 'earn.rule_cap' || e?.key === 'earn.order_cap') args.points = this.points(a.max_points ?? 0);
    let key = e?.key ?? '';
    // A refund line names the rule it walks back in its own args ("" = the order as a whole).
    if (key === 'refund.earn') {
      if (a.rule) args.rule = this.ruleName(a.rule);
      else key = 'refund.earn_order';
    }
    if (key === 'refund.reward_returned' && !a.reward) key = 'refund.points_returned';
    // A completed challenge names what it gave: points, a reward, both or nothing.
    if (key === 'challenge.done') {
      const gave = [a.points ? this.points(a.points) : '', a.reward ? this.rewardName(a.reward) : ''].filter(Boolean);
      if (gave.length) args.prize = this.list(gave);
      else key = 'challenge.done_plain';
    }
    // A refund effect this widget does not know yet still reads as a sentence, never as a key.
    if (key.startsWith('refund.') && !this.has(key)) key = 'refund.other';
    return this.t(key, args);
  }

  has(key) {
    return Object.hasOwn(this.messages, key) || Object.hasOwn(en, key);
  }

  /** A way to earn (catalog.earn[i]) as one sentence plus its conditions. */
  way(item) {
    const e = item.explain ?? {};
    const a = e.args ?? {};
    let key = e.key ?? '';
    const args = {
      points: a.points != null ? this.points(a.points) : '',
      amount: this.money(a.per_minor ?? a.every_minor ?? 0),
      count: a.min_quantity ?? a.limit?.count ?? 0,
      factor: a.factor != null ? this.factor(a.factor) : '',
      reward: a.reward != null ? this.rewardName(a.reward) : '',
      action: a.action != null ? this.actionName(a.action) : '',
      referrer: this.points(a.referrer_points ?? 0),
      referee: this.points(a.referee_points ?? 0),
      percent: a.percent != null ? this.factor(a.percent) : '',
    };
    if (key === 'way.per_spend' && a.per_minor != null) args.amount = this.money(a.per_minor);
    if (key === 'way.signup' && a.mode && a.mode !== 'immediate') key = `way.signup_${a.mode}`;
    if (key === 'way.birthday' && a.reward) key = 'way.birthday_reward';
    if (key === 'way.action' && a.limit) {
      key = 'way.action_limited';
      args.period = this.t(`period.${a.limit.per}`);
    }
    if (key === 'way.signup_after_spend') args.amount = this.money(item.conditions?.min_order_minor ?? 0);
    return this.t(key, args);
  }

  /** Conditions of a rule or reward (catalog "conditions") as short phrases. */
  conditions(c = {}) {
    const out = [];
    const names = (m) => [...(m.skus ?? []), ...(m.categories ?? [])].map(humanize);
    const excluded = (m) => [...(m.exclude_skus ?? []), ...(m.exclude_categories ?? [])].map(humanize);
    if (c.match && names(c.match).length) out.push(this.t('way.on', { what: this.list(names(c.match)) }));
    if (c.match && excluded(c.match).length) out.push(this.t('way.except', { what: this.list(excluded(c.match)) }));
    if (c.when?.days?.length) out.push(this.dayNames(c.when.days));
    if (c.when?.hours) out.push(this.t(this.storeTime ? 'way.hours_store' : 'way.hours', { from: c.when.hours[0], until: c.when.hours[1] }));
    if (c.when?.until) out.push(this.t('way.until', { date: this.date(c.when.until) }));
    if (c.audience?.length) out.push(this.t('way.for_tiers', { tiers: this.list(c.audience.map((t) => this.tierName(t))) }));
    if (c.min_order_minor) out.push(this.t('way.from_amount', { amount: this.money(c.min_order_minor) }));
    return out;
  }

  /** What a reward gives, from its program entry ("S/ 5.00 off", "Free shipping"). */
  rewardKind(r) {
    switch (r.type) {
      case 'percent_discount':
        return r.max_minor != null
          ? this.t('reward.kind.percent_discount_max', { percent: r.percent, amount: this.money(r.max_minor) })
          : this.t('reward.kind.percent_discount', { percent: r.percent });
      case 'free_item':
        return r.max_value_minor != null ? this.t('reward.kind.free_item_max', { amount: this.money(r.max_value_minor) }) : this.t('reward.kind.free_item');
      case 'points_discount':
        return this.t('reward.kind.points_discount', { amount: this.money(r.step_minor ?? 0), points: this.points(r.step_points ?? 0) });
      case 'charity':
        return this.t('reward.kind.charity', { amount: this.money(r.amount_minor ?? 0), cause: r.cause ?? '' });
      case 'choice':
        return this.t('reward.kind.choice', { options: this.list((r.options ?? []).map((o) => this.text(o.name) || o.id)) });
      default:
        return this.t(`reward.kind.${r.type}`, { amount: this.money(r.amount_minor ?? 0) });
    }
  }

  /** A reward's status for the shopper ("120 points more needed"). */
  rewardStatus(item) {
    const reward = this.rewards.get(item.id) ?? item;
    if (item.status === 'audience_locked') return this.audienceWhy(item.reason, item.audience ?? reward.audience);
    if (item.status === 'requirement_not_met') {
      const req = item.requires ?? reward.requires ?? {};
      return this.t('reward.status.requirement_not_met', { count: req.min_quantity ?? 1, what: this.matchText(req.match) || this.t('challenge.anything') });
    }
    // The catalog lists the audience's tiers; a preview item has only the program's {tiers}.
    const conditions = item.conditions?.audience ?? reward.audience?.tiers ?? [];
    return this.t(`reward.status.${item.status}`, {
      points: this.points(item.points_needed ?? 0),
      tiers: this.list(conditions.map((t) => this.tierName(t))),
      amount: this.money(item.conditions?.min_order_minor ?? reward.min_order_minor ?? 0),
    });
  }

  /**
   * Why a reward or voucher does nothing on this cart, after its status: "Not for this cart ·
   * needs Appetizers in the cart". Empty when the status says it all.
   */
  rewardWhy(id, status) {
    if (status !== 'not_applicable') return '';
    const r = this.rewards.get(id);
    const m = r?.match ?? {};
    const what = [...(m.skus ?? []), ...(m.categories ?? [])].map(humanize);
    if (r?.type === 'free_item' && what.length) return this.t('reward.why.needs', { what: this.list(what) });
    if (r?.type === 'free_shipping') return this.t('reward.why.no_shipping');
    return this.t('reward.why.nothing_off');
  }

  /** Status and reason in one line ("Not for this cart · needs Appetizers in the cart"). */
  rewardStatusWhy(item) {
    const why = this.rewardWhy(item.id, item.status);
    const status = this.rewardStatus(item);
    return why ? `${status} · ${why}` : status;
  }

  /**
   * Why an item is locked by its audience (catalog `reason`: the first failing field), worded
   * from the audience as the program gives it: "For Plus members", "For members of a year or more".
   */
  audienceWhy(reason, audience = {}) {
    const a = audience ?? {};
    const days = (n) => Number(n ?? 0);
    switch (reason) {
      case 'membership':
        return this.t(a.membership === false ? 'audience.no_membership' : 'audience.membership', { membership: this.membershipName() });
      case 'min_member_days': {
        const n = days(a.min_member_days);
        return n > 0 && n % 365 === 0 ? this.t('audience.min_member_years', { count: n / 365 }) : this.t('audience.min_member_days', { count: n });
      }
      case 'max_member_days':
        return this.t('audience.max_member_days', { count: days(a.max_member_days) });
      case 'min_orders':
        return this.t('audience.min_orders', { count: a.min_orders?.count ?? 1, within: this.t('audience.within_days', { count: a.min_orders?.days ?? 0 }) });
      case 'lapsed_days':
        return this.t('audience.lapsed_days', { count: days(a.lapsed_days) });
      case 'segments':
      case 'not_segments':
        return this.t(`audience.${reason}`, { segments: this.list((a[reason] ?? []).map((id) => this.segmentName(id))) });
      case 'tiers':
        return this.t('reward.status.tier_locked', { tiers: this.list((a.tiers ?? []).map((id) => this.tierName(id))) });
      default:
        return this.t('reward.status.audience_locked');
    }
  }

  /** A chance as the catalog writes it ("0.2778") as a percentage in the shopper's digits. */
  chance(ratio) {
    this.percents ??= new Intl.NumberFormat(this.locale, { style: 'percent', maximumFractionDigits: 2 });
    return this.percents.format(Number(ratio) || 0);
  }

  /** The text of a preview nudge. */
  nudge(n) {
    return this.t(`nudge.${n.kind}`, {
      amount: this.money(n.remaining_minor ?? 0),
      points: this.points(n.remaining_points ?? 0),
      count: n.remaining_orders ?? n.punches_missing ?? 0,
      tier: n.tier ? this.tierName(n.tier) : '',
      card: n.card ? this.cardName(n.card) : '',
      reward: n.reward ? this.rewardName(n.reward) : '',
    });
  }

  errorReason(code) {
    const key = `code.${code}`;
    return this.messages[key] ?? en[key] ?? this.t('code.other');
  }
}
