// Types for the widget's ES module: src/index.js here, dist/loyalty.mjs in the npm package (where
// scripts/pack-dist.mjs ships this file as dist/loyalty.d.mts). Written by hand; the public surface
// (createLoyalty, the Loyalty object, defineElements) is typed in full, the classes behind it only
// as far as a shop uses them. test/package.test.mjs type-checks a usage file against the
// installed package.

/** Any JSON value the server or the core writes. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A cart line (spec program.md "Cart"); `name` is shown by the widget, ignored by the rules. */
export interface CartLine {
  sku: string;
  category?: string;
  name?: string;
  unit_price_minor: number;
  quantity: number;
  discount_minor?: number;
}

/** The shop's cart in the engine's format (spec program.md "Cart"). */
export interface Cart {
  currency: string;
  at?: string;
  lines: CartLine[];
  shipping_minor?: number;
  order_discount_minor?: number;
}

/** What the shop's server embedded for this page (README "Bootstrap"). */
export interface Bootstrap {
  program: JsonObject;
  etag?: string;
  state?: JsonObject | null;
}

export interface LoyaltyConfig {
  /** Base URL of the loyalty API (`/v1/...` is appended); "" = same origin. */
  api?: string;
  /** The shopper's HS256 member token minted by the shop's backend; absent = a guest. */
  token?: string;
  /** BCP 47 tag (`es`, `es-PE`, `pl`, `ro`, `en`); default: the page's `lang`, then the browser's. */
  locale?: string;
  /**
   * Absolute URL of the folder serving loyalty_core.js and loyalty_core.wasm (copied from the
   * package's dist/). Default: the folder the module (or the script-tag bundle) was loaded from.
   */
  base?: string | URL;
  /** Seconds between member-state refreshes while the page is visible (default 30; 0 = only on focus and reconnect). */
  refreshSeconds?: number;
  /** Where a signed-out shopper signs in again (http(s) or relative URLs only). */
  signInUrl?: string;
  /** The program (with its ETag) and member state the shop's server fetched for this page. */
  bootstrap?: Bootstrap | null;
  /** Where the caches and the offline queue live (default localStorage). */
  storage?: Storage;
  /** The fetch to use (default globalThis.fetch). */
  fetch?: typeof fetch;
}

/** Events of Loyalty.on (README "The shop talks to it"). */
export type LoyaltyEventType = 'change' | 'balance' | 'redeem' | 'join' | 'membership' | 'sent' | 'queued' | 'rejected' | 'error' | 'ready' | 'open';

/** The membership card's button as the loyalty:membership event reports it (issue 16). */
export interface MembershipRequest {
  action: 'start_trial' | 'join' | 'renew';
  membership: string;
}

/** A section of the portal: the panel opens there ("" = top). */
export type Section = '' | 'rewards' | 'earn' | 'history' | 'tiers';

/** The shopper's choice as the loyalty:redeem event reports it. */
export interface RedeemChoice {
  reward?: string;
  voucher?: string;
  points?: number;
  /** A coupon code entered at checkout: post it in the order's `coupons`. */
  coupon?: string;
  /** Store credit to spend (minor units), with `reward` the program's store_credit_spend reward. */
  credit_minor?: number;
  remove?: true;
}

/** The widget started on this page (window.Loyalty in the script-tag build). */
export interface Loyalty {
  readonly app: LoyaltyApp;
  /** The cart the checkout previews; null when there is none. */
  setCart(cart: Cart | null): void;
  /** Listens to the widget; returns the function that stops listening. */
  on(type: LoyaltyEventType, listener: (event: CustomEvent) => void): () => void;
  /** Opens the panel at a section (a launcher is created if the page has none). */
  open(section?: Section): void;
  /** A non-purchase action (review, survey, …), queued while offline; its idempotency key, or null for a guest. */
  action(name: string): string | null;
  /** Redeems a non-cart reward, queued while offline; its idempotency key, or null for a guest. */
  redeem(reward: string, option?: string): string | null;
  /** Fetches the program and the member state now. */
  refresh(): Promise<void>;
  /** Forgets the rewards chosen for this cart (after the order). */
  clearSelection(): void;
  /** Stops using one chosen reward or voucher. */
  remove(choice: { reward: string } | { voucher: string }): void;
  /** The member state the server gave last (null for a guest or before it arrived). */
  readonly state: JsonObject | null;
  /** The core's preview of the current cart (null without a cart or before the core loaded). */
  readonly preview: JsonObject | null;
  /** Resolves once the first full render is done (the core loaded or failed). */
  readonly ready: Promise<Loyalty>;
}

/** Starts the widget on this page: defines the elements and fetches the program and the member. */
export function createLoyalty(config: LoyaltyConfig): Loyalty;

/** Defines <loyalty-portal>, <loyalty-checkout>, <loyalty-launcher> (each once). */
export function defineElements(registry?: CustomElementRegistry): void;

/** What the elements render from. */
export interface LoyaltyView {
  phase: 'loading' | 'ready' | 'unavailable';
  core: 'loading' | 'ready' | 'failed';
  program: JsonObject | null;
  state: JsonObject | null;
  guest: boolean;
  signedOut: boolean;
  offline: boolean;
  cart: Cart | null;
  catalog: JsonObject | null;
  preview: JsonObject | null;
  queueSize: number;
  [field: string]: unknown;
}

/** The widget's state on one page; createLoyalty makes one. */
export class LoyaltyApp extends EventTarget {
  constructor(config: LoyaltyConfig);
  readonly config: LoyaltyConfig;
  readonly view: LoyaltyView;
  readonly i18n: I18n;
  readonly sync: SyncClient;
  readonly isMember: boolean;
  start(): Promise<void>;
  setCart(cart: Cart | null): void;
  refresh(): Promise<void>;
  redeem(reward: string, option?: string): string | null;
  action(name: string): string | null;
  useReward(reward: string, on?: boolean): void;
  useVoucher(voucher: string, on?: boolean): void;
  clearSelection(): void;
}

/** Messages, plurals and number, money and date formats for one locale. */
export class I18n {
  constructor(locale: string, program?: JsonObject | null);
  readonly locale: string;
  readonly lang: 'en' | 'es' | 'pl' | 'ro';
  setProgram(program: JsonObject | null): void;
  t(key: string, args?: Record<string, unknown>): string;
  number(n: number): string;
  money(minor: number): string;
  points(n: number): string;
  date(iso: string): string;
}

/** A catalog message: text with {placeholders}, or plural forms chosen by args.count. */
export type Message = string | Partial<Record<'zero' | 'one' | 'two' | 'few' | 'many' | 'other', string>>;
export const CATALOGS: Readonly<Record<'en' | 'es' | 'pl' | 'ro', Readonly<Record<string, Message>>>>;

/** The client of the loyalty API (sync.md): caches, the offline queue, retries. */
export class SyncClient extends EventTarget {
  constructor(options: { api: string; token?: string; storage?: Storage; fetch?: typeof fetch });
  readonly token: string;
  program(seed?: { program: JsonObject; etag?: string } | null): Promise<{ program: JsonObject; fresh: boolean; changed: boolean }>;
  /** null for a guest; rejects with the API's status (401 = signed out). */
  memberState(): Promise<JsonObject | null>;
  flush(): void;
}
