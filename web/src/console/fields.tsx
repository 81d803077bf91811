/** Small pieces the console's session views share: a labelled choice list and a table's header row. */
export const SelectField = (props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly { id: string; name: string }[];
  /** The first, empty choice ("all", "none"). */
  empty?: string;
}) => (
  <div class="field">
    <label for={props.id}>{props.label}</label>
    <select id={props.id} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
      {props.empty !== undefined ? <option value="">{props.empty}</option> : null}
      {props.options.map((o) => (
        <option value={o.id} key={o.id}>
          {o.name}
        </option>
      ))}
    </select>
  </div>
);

/** A table's header row; `numeric`: how many of the last columns hold numbers (right-aligned). */
export const HeaderRow = (props: { labels: readonly string[]; numeric?: number }) => (
  <thead>
    <tr>
      {props.labels.map((label, i) => (
        <th scope="col" key={label} class={i >= props.labels.length - (props.numeric ?? 0) ? 'num' : undefined}>
          {label}
        </th>
      ))}
    </tr>
  </thead>
);
