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

/** A date and time; in `timeZone` (a session's, the directory's) when given, else the browser's. */
export const formatDateTime = (iso: string | undefined, timeZone?: string): string =>
  iso ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(new Date(iso)) : '';

/** The time of day only (the end of a session on the day it starts). */
export const formatTime = (iso: string | undefined, timeZone?: string): string =>
  iso ? new Intl.DateTimeFormat(locale(), { timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(new Date(iso)) : '';

export const formatDate = (iso: string | undefined): string =>
  iso ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(new Date(iso)) : '';
