/**
 * The submission form (`/`): phone first, Simplified Chinese by default. The kinds come with the
 * bundle (shared/schemas/directory.ts), so the form is usable before `/api/form` answers; units
 * and the campaign arrive with it. The form itself is lib/submission-form.tsx (the session page
 * uses it too).
 */
import './styles.css';
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { dictionary, useLang } from './lib/i18n';
import { Receipt, SubmissionForm, useFormData, useKeptReceipt } from './lib/submission-form';
import { TopBar } from './lib/ui';

const t = dictionary(
  {
    brand: '意见箱',
    heading: '提交意见',
    intro: '培训和学习讨论中的反馈、疑问、建议、问题和好做法，都可以在这里提出。无需注册，提交后凭查询码和密钥查看答复。',
    haveCode: '已有查询码？',
    trackLink: '查询办理进度',
    answersLink: '看看已公开的答复',
    answersIntro: '提问前，可以先',
    phase: '当前阶段：{phase}',
  },
  {
    brand: 'Yijian',
    heading: 'Submit an opinion',
    intro: 'Feedback, questions, suggestions, problems and good practices from the training and discussions: raise them here. No account needed; a tracking code and key show you the answer.',
    haveCode: 'Have a tracking code?',
    trackLink: 'Track an item',
    answersLink: 'read the published answers',
    answersIntro: 'Before asking, you may',
    phase: 'Current phase: {phase}',
  },
);

const App = () => {
  useLang();
  const form = useFormData();
  const { receipt, keep, forget } = useKeptReceipt('form');

  if (receipt) {
    return (
      <>
        <TopBar title={t('brand')} sub={form?.campaign.name} />
        <main>
          <Receipt receipt={receipt} onAnother={forget} />
        </main>
      </>
    );
  }

  return (
    <>
      <TopBar title={t('brand')} sub={form ? `${form.campaign.name} · ${t('phase', { phase: form.campaign.phase.name })}` : undefined} />
      <main>
        <h1>{t('heading')}</h1>
        <p class="muted">{t('intro')}</p>
        <p class="small">
          {t('answersIntro')} <a href="/answers">{t('answersLink')}</a>
        </p>
        <SubmissionForm units={form?.units ?? null} onReceipt={keep} />
        <p class="muted small">
          {t('haveCode')} <a href="/track">{t('trackLink')}</a>
        </p>
      </main>
    </>
  );
};

const Page = () => {
  const lang = useLang();
  useEffect(() => {
    document.title = lang === 'zh' ? '意见箱 · 提交意见' : 'Yijian · Submit';
  }, [lang]);
  return <App />;
};

const root = document.getElementById('app')!;
root.textContent = '';
render(<Page />, root);
