/** The console's texts for the escalation ladder (the urged mark and filter), Chinese and English. */
import { dictionary } from '../lib/i18n';

export const lt = dictionary(
  {
    urged: '已催办',
    urgedTitle: '{at} 催办',
    fUrged: '只看已催办（仍未答复）',
    tUrged: '已催办（未答复）',
    fExtension: '只看待审批延期',
    viewExtension: '待审批延期',
  },
  {
    urged: 'Urged',
    urgedTitle: 'Urged on {at}',
    fUrged: 'Urged only (still unanswered)',
    tUrged: 'Urged (unanswered)',
    fExtension: 'Extension requests waiting only',
    viewExtension: 'Extensions to decide',
  },
);
