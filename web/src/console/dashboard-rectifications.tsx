/**
 * The dashboard's rectification figures (整改, GET /api/dashboard `rectifications`): per group and
 * overall, by status and overdue; each number links to the ledger filtered the same way.
 */
import { rectificationStatusName, rt } from './rectification-strings';

export interface RectificationCounts {
  planned: number;
  in_progress: number;
  submitted: number;
  verified: number;
  returned: number;
  overdue: number;
}

const columns = ['planned', 'in_progress', 'returned', 'submitted', 'verified'] as const;

const cell = (n: number, query: string) => (n > 0 ? <a href={`#/rectifications?${query}`}>{n}</a> : n);

export const RectificationTable = (props: { overall: RectificationCounts; byGroup: readonly { groupId: string | null; name: string; rectifications: RectificationCounts }[] }) => (
  <table id="rectification-counts">
    <caption class="sr-only">{rt('heading')}</caption>
    <thead>
      <tr>
        <th scope="col">{rt('group')}</th>
        {columns.map((s) => (
          <th scope="col" class="num" key={s}>
            {rectificationStatusName(s)}
          </th>
        ))}
        <th scope="col" class="num">
          {rt('overdue')}
        </th>
      </tr>
    </thead>
    <tbody>
      {[{ groupId: 'all', name: rt('all'), rectifications: props.overall }, ...props.byGroup.filter((g) => g.groupId !== null)].map((row) => {
        const group = row.groupId === 'all' ? '' : `groupId=${encodeURIComponent(row.groupId ?? '')}&`;
        return (
          <tr key={row.groupId ?? 'office'} data-group={row.groupId ?? 'office'}>
            <th scope="row">{row.name}</th>
            {columns.map((s) => (
              <td class="num" key={s}>
                {cell(row.rectifications[s], `${group}status=${s}`)}
              </td>
            ))}
            <td class="num">{cell(row.rectifications.overdue, `${group}overdue=true`)}</td>
          </tr>
        );
      })}
    </tbody>
  </table>
);
