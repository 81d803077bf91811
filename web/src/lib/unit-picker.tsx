/**
 * One searchable unit picker: an ARIA 1.2 combobox (an input that filters a listbox of units,
 * grouped under headings, the session's units first). Hand-written because no combobox library is
 * installed and the well-kept ones are React components; a native `<input list>` datalist was
 * weighed and left: it cannot group options (no "session units first" heading), it shows names but
 * must submit ids, and Chromium on Android and iOS Safari announce its suggestions poorly.
 * Keys: ↓/↑ move through the options (and open the list), Enter chooses, Escape closes (a second
 * Escape clears), Tab leaves. Choosing keeps the focus in the input.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import { dictionary } from './i18n';

const t = dictionary(
  {
    noUnit: '（不指定单位）',
    unitsLoading: '正在加载单位列表…',
    unitMatches: '找到 {n} 个单位',
    hint: '输入单位名称中的字查找，或用方向键浏览。',
    clear: '清除所选单位',
  },
  {
    noUnit: '(no particular unit)',
    unitsLoading: 'Loading the units…',
    unitMatches: '{n} units found',
    hint: 'Type part of a unit’s name, or browse with the arrow keys.',
    clear: 'Clear the unit',
  },
);

export interface PickerUnit {
  id: string;
  name: string;
  system: string;
}

export interface UnitPickerProps {
  /** The field's id (its label's `for`); the error summary focuses it. */
  id: string;
  /** All units (null while loading). */
  units: PickerUnit[] | null;
  /** Units shown first, under their own heading (the session's units); left out of the rest. */
  firstUnits?: { label: string; ids: readonly string[] };
  value: string;
  onChange: (unitId: string) => void;
  invalid?: boolean;
  describedBy?: string;
}

/** Units whose name or system contains the query, grouped: the first units, then by system. */
const groupUnits = (units: PickerUnit[], query: string, firstUnits?: UnitPickerProps['firstUnits']) => {
  const q = query.trim().toLowerCase();
  const list = q ? units.filter((u) => u.name.toLowerCase().includes(q) || u.system.toLowerCase().includes(q)) : units;
  const first = new Set(firstUnits?.ids ?? []);
  const out = new Map<string, PickerUnit[]>();
  if (first.size) out.set(firstUnits!.label, list.filter((u) => first.has(u.id)));
  for (const u of list) if (!first.has(u.id)) out.set(u.system, [...(out.get(u.system) ?? []), u]);
  return { count: list.length, groups: [...out].filter(([, members]) => members.length > 0) };
};

export const UnitPicker = (props: UnitPickerProps) => {
  const units = props.units ?? [];
  const selected = units.find((u) => u.id === props.value);
  /** The text in the box while the person types; null: the box shows the chosen unit's name. */
  const [query, setQuery] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listRef = useRef<HTMLUListElement>(null);
  const listId = `${props.id}-listbox`;

  const { count, groups } = useMemo(() => groupUnits(units, query ?? '', props.firstUnits), [units, query, props.firstUnits]);
  /** The options in order, "no particular unit" first. */
  const options = useMemo(() => ['', ...groups.flatMap(([, members]) => members.map((u) => u.id))], [groups]);
  const optionId = (unitId: string) => `${props.id}-opt-${unitId || 'none'}`;

  const choose = (unitId: string) => {
    props.onChange(unitId);
    setQuery(null);
    setOpen(false);
    setActive(-1);
  };
  const move = (to: number) => {
    const next = Math.max(0, Math.min(options.length - 1, to));
    setOpen(true);
    setActive(next);
    requestAnimationFrame(() => document.getElementById(optionId(options[next]!))?.scrollIntoView({ block: 'nearest' }));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      move(open ? active + 1 : Math.max(0, options.indexOf(props.value)));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      move(open ? active - 1 : options.length - 1);
    } else if (event.key === 'Enter' && open && active >= 0) {
      event.preventDefault(); // choosing, not submitting the form
      choose(options[active]!);
    } else if (event.key === 'Escape') {
      if (open) setOpen(false);
      else choose('');
    }
  };

  return (
    <div class="picker">
      <input
        type="text"
        id={props.id}
        role="combobox"
        data-unit-id={props.value}
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && active >= 0 ? optionId(options[active]!) : undefined}
        aria-invalid={props.invalid ? true : undefined}
        aria-describedby={[`${props.id}-hint`, props.describedBy].filter(Boolean).join(' ')}
        placeholder={t('noUnit')}
        value={query ?? selected?.name ?? ''}
        onInput={(e) => {
          setQuery((e.target as HTMLInputElement).value);
          setOpen(true);
          setActive(-1);
        }}
        onClick={() => setOpen(true)}
        onKeyDown={onKeyDown}
        onBlur={() => {
          // Leaving with text that names no unit: the box shows the choice again (nothing half-chosen).
          const typed = query?.trim();
          const exact = typed ? units.find((u) => u.name === typed) : undefined;
          if (exact) choose(exact.id);
          else if (query !== null && !typed) choose('');
          else {
            setQuery(null);
            setOpen(false);
          }
        }}
      />
      {selected ? (
        <button type="button" class="link picker-clear" onClick={() => choose('')}>
          {t('clear')}
        </button>
      ) : null}
      <p class="hint" id={`${props.id}-hint`}>
        {t('hint')}{' '}
        <span id={`${props.id}-count`} aria-live="polite">
          {props.units ? t('unitMatches', { n: count }) : t('unitsLoading')}
        </span>
      </p>
      <ul id={listId} role="listbox" ref={listRef} class="picker-list" hidden={!open} aria-label={t('noUnit')}>
        <li role="option" id={optionId('')} data-value="" aria-selected={props.value === ''} class={active === 0 ? 'active' : undefined} onMouseDown={(e) => e.preventDefault()} onClick={() => choose('')}>
          {t('noUnit')}
        </li>
        {groups.map(([label, members], g) => (
          <li role="presentation" key={label}>
            <ul role="group" aria-labelledby={`${props.id}-group-${g}`}>
              <li role="presentation" class="picker-group" id={`${props.id}-group-${g}`}>
                {label}
              </li>
              {members.map((u) => (
                <li
                  role="option"
                  key={u.id}
                  id={optionId(u.id)}
                  data-value={u.id}
                  aria-selected={props.value === u.id}
                  class={options[active] === u.id ? 'active' : undefined}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => choose(u.id)}
                >
                  {u.name}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
};
