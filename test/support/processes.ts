import { readdirSync, readFileSync } from 'node:fs';

/** Reading the process table from /proc, for the tests that start and kill the stack. */

/** Alive and not a zombie (a zombie still has /proc/<pid>; it is gone for every practical purpose). */
export const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

export const childrenOf = (pid: number): number[] => {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        out.push(...readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    // the process ended meanwhile
  }
  return out;
};

/** The command name of a process, or '' once it is gone. */
export const comm = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
};

/** The process and all its living descendants. */
export const processTree = (pid: number): number[] => {
  const all = [pid];
  for (let i = 0; i < all.length; i++) for (const c of childrenOf(all[i])) if (!all.includes(c)) all.push(c);
  return all.filter(alive);
};
