// A tiny typed translator: t('toolbar.leave'), t('participants.title', { n: 3 }).
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type { MessageKey };
export type Language = 'en' | 'zh-CN';

const dictionaries: Record<Language, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };
let current: Language = 'en';

/** zh, zh-CN, zh-Hans, zh-TW... -> zh-CN (the only Chinese we have); anything else -> en. */
export function normalizeLanguage(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return null;
}

/** config.language wins; otherwise the first browser language we can map (default en). */
export function pickLanguage(forced: string | null | undefined, browser: readonly string[]): Language {
  const f = normalizeLanguage(forced);
  if (f) return f;
  for (const tag of browser) {
    const l = normalizeLanguage(tag);
    if (l) return l;
  }
  return 'en';
}

export function setLanguage(lang: Language): void {
  current = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export function getLanguage(): Language {
  return current;
}

export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  const text = dictionaries[current][key] ?? en[key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Local time of day for chat messages, in the current language. */
export function formatTime(ms: number): string {
  return new Intl.DateTimeFormat(current, { hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}
