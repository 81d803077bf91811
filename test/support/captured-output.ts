import { afterEach, beforeEach, vi } from 'vitest';

/**
 * What a test file's handlers write to stdout and stderr (the logger's JSON lines, EMF), captured
 * instead of printed, afresh for each test. Mocks are restored after each test.
 */
export const captureOutput = () => {
  let chunks: string[] = [];
  beforeEach(() => {
    chunks = [];
    const capture = (chunk: unknown) => {
      chunks.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return {
    text: () => chunks.join(''),
    /** The JSON lines written, parsed. */
    lines: () => chunks.join('').split('\n').filter((line) => line.trim().startsWith('{')).map((line) => JSON.parse(line) as Record<string, any>),
    clear: () => {
      chunks = [];
    },
  };
};
