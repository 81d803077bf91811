/** Browser tests' hands on the form's unit picker (web/src/lib/unit-picker.tsx, a combobox). */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Opens the picker and taps the unit's option; waits until the form holds it. */
export const chooseUnit = async (page: Page, unitId: string): Promise<void> => {
  await page.locator('#unit').click();
  await page.locator(`#unit-listbox [role=option][data-value="${unitId}"]`).click();
  await expect.poll(() => page.locator('#unit').getAttribute('data-unit-id'), { timeout: 15_000 }).toBe(unitId);
};

/** The picker's groups in order: each heading and the ids of its units. */
export const unitGroups = (page: Page): Promise<{ label: string; ids: string[] }[]> =>
  page.locator('#unit-listbox [role=group]').evaluateAll((groups) =>
    groups.map((group) => ({
      label: document.getElementById(group.getAttribute('aria-labelledby') ?? '')?.textContent ?? '',
      ids: [...group.querySelectorAll<HTMLElement>('[role=option]')].map((option) => option.dataset.value ?? ''),
    })),
  );
