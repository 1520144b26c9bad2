import { en, type Message } from './en.ts';

export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;
type Catalog = Partial<Record<MessageKey, Message>>;

/** Scripts written right to left; the page's `dir` follows the chosen language. */
const rightToLeft = new Set(['ar', 'ckb', 'dv', 'fa', 'he', 'ps', 'sd', 'ug', 'ur', 'yi']);

const catalogs: Record<string, Catalog> = { en };

let locale = 'en';
let catalog: Catalog = en;
let plurals = new Intl.PluralRules(locale);

export function currentLocale(): string {
  return locale;
}

export function directionOf(tag: string): 'rtl' | 'ltr' {
  return rightToLeft.has(tag.split('-')[0]!.toLowerCase()) ? 'rtl' : 'ltr';
}

/** Picks the first supported language the browser asks for; English otherwise. */
export function chooseLocale(wanted: readonly string[] = navigator.languages): string {
  for (const tag of wanted) {
    const base = tag.split('-')[0]!.toLowerCase();
    if (catalogs[tag]) return tag;
    if (catalogs[base]) return base;
  }
  return 'en';
}

export function applyLocale(tag: string): void {
  locale = catalogs[tag] ? tag : 'en';
  catalog = catalogs[locale]!;
  plurals = new Intl.PluralRules(locale);
  document.documentElement.lang = locale;
  document.documentElement.dir = directionOf(locale);
}

export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** `t('groups.members', { count: 3 })`: {name} placeholders, plural forms picked by `count`. */
export function t(key: MessageKey, params?: Params): string {
  const message = catalog[key] ?? en[key];
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else {
    const form = plurals.select(Number(params?.count ?? 0)) as keyof typeof message;
    text = message[form] ?? message.other;
  }
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
