/**
 * The page language: Simplified Chinese by default, English on request. The choice is kept in
 * localStorage and reflected in <html lang>, so screen readers pronounce the page correctly.
 */
import { useEffect, useState } from 'preact/hooks';

export type Lang = 'zh' | 'en';
const storageKey = 'yijian.lang';
const listeners = new Set<(lang: Lang) => void>();

const stored = (): Lang => {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
};

let current: Lang = stored();

const apply = (lang: Lang) => {
  // Without a document (a unit test of the pages' texts in Node) there is nothing to mark.
  if (typeof document !== 'undefined') document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
};
apply(current);

export const getLang = (): Lang => current;

export const setLang = (lang: Lang): void => {
  current = lang;
  try {
    localStorage.setItem(storageKey, lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
  apply(lang);
  for (const listener of listeners) listener(lang);
};

/** Re-renders the calling component when the language changes. */
export const useLang = (): Lang => {
  const [lang, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => void listeners.delete(set);
  }, []);
  return lang;
};

/** A dictionary per language with the same keys; `t(key)` reads the current language. */
export const dictionary = <K extends string>(zh: Record<K, string>, en: Record<K, string>) => {
  const t = (key: K, vars?: Record<string, string | number>): string => {
    let s = (current === 'zh' ? zh : en)[key];
    if (vars) for (const [name, value] of Object.entries(vars)) s = s.split(`{${name}}`).join(String(value));
    return s;
  };
  return t;
};

const locale = () => (current === 'zh' ? 'zh-CN' : 'en-GB');

/**
 * The directory's time zone, in which every date and time is shown (a due date is the end of a
 * working day there, wherever the phone is): set by the page once /api/form answers; until then
 * the contract's default zone.
 */
let campaignTimeZone = 'Asia/Shanghai';
export const setCampaignTimeZone = (timeZone: string | undefined): void => {
  if (timeZone) campaignTimeZone = timeZone;
};

const day = { year: 'numeric', month: 'short', day: 'numeric', weekday: 'short' } as const;

/** A date with its weekday and the time, in `timeZone` (a session's) or the campaign's. */
export const formatDateTime = (iso: string | undefined, timeZone?: string): string =>
  iso ? new Intl.DateTimeFormat(locale(), { ...day, hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: timeZone ?? campaignTimeZone }).format(new Date(iso)) : '';

/** The time of day only (the end of a session on the day it starts). */
export const formatTime = (iso: string | undefined, timeZone?: string): string =>
  iso ? new Intl.DateTimeFormat(locale(), { timeStyle: 'short', timeZone: timeZone ?? campaignTimeZone }).format(new Date(iso)) : '';

/** A date with its weekday in the campaign's zone: how due dates are shown ("2026年12月10日周四"). */
export const formatDate = (iso: string | undefined): string =>
  iso ? new Intl.DateTimeFormat(locale(), { ...day, timeZone: campaignTimeZone }).format(new Date(iso)) : '';
