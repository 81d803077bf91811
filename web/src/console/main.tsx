/**
 * The staff console (`/console`): sign-in, the queue, an item, the dashboard, training sessions,
 * good practices, the printable report and the directory editor. Routes live in the fragment (`#/items?…`, `#/item/YJ-…`, `#/dashboard`).
 */
import '../styles.css';
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { apiRequest, type ApiOptions } from '../lib/api';
import { setCampaignTimeZone, useLang } from '../lib/i18n';
import { defaultTimeZone } from '../lib/session-time';
import { Banner, TopBar } from '../lib/ui';
import {
  completeCognitoSignIn,
  demoLiaison,
  demoUsers,
  devSignIn,
  liaisonOnly,
  loadConfig,
  loadSession,
  refreshCognitoSession,
  rolesOf,
  signOut,
  startCognitoSignIn,
  type ConsoleConfig,
  type DemoUser,
  type Session,
} from './auth';
import { parseHash, type Ctx, type Lookup } from './context';
import { Dashboard } from './dashboard';
import { DirectoryEditor } from './directory';
import { ItemPage } from './item';
import { Practices } from './practices';
import { Queue } from './queue';
import { Report } from './report';
import { rt } from './report-strings';
import { Rectifications } from './rectifications';
import { rt as rect } from './rectification-strings';
import { st } from './session-strings';
import { SessionList, SessionPage } from './sessions';
import { t } from './strings';
import type { Said } from '../lib/messages';

const SignIn = (props: { config: ConsoleConfig; message: string; onSession: (s: Session) => void }) => {
  const lang = useLang();
  const [error, setError] = useState<Said | null>(null);
  const [busy, setBusy] = useState(false);
  const signInAs = async (user: DemoUser) => {
    setBusy(true);
    const result = await devSignIn(user);
    setBusy(false);
    if ('text' in result) setError(result);
    else props.onSession(result);
  };
  return (
    <main>
      <h1>{t('signInTitle')}</h1>
      {props.message ? <Banner kind="warn">{props.message}</Banner> : null}
      {error ? <Banner kind="bad">{t('signInFailed', { reason: error.text() })}</Banner> : null}
      {props.config.cognito ? (
        <div class="card">
          <button type="button" class="primary block" onClick={() => void startCognitoSignIn(props.config.cognito!)}>
            {t('signInCognito')}
          </button>
        </div>
      ) : (
        <div class="card">
          <p class="muted">{t('signInIntro')}</p>
          <div class="users">
            {demoUsers.map((u) => (
              <button
                type="button"
                key={u.sub}
                data-user={u.sub}
                disabled={busy}
                onClick={() => void signInAs(u)}
              >
                <strong>{lang === 'zh' ? u.name : u.nameEn}</strong>
                <span class="role">
                  {u.groups[0] === 'office' ? t('roleOffice') : u.groups[0] === 'leader' ? t('roleLeader') : t('roleGroup')}
                </span>
              </button>
            ))}
          </div>
          <LiaisonPicker busy={busy} onPick={signInAs} />
        </div>
      )}
    </main>
  );
};

/** The local demo's unit liaisons: one per unit of the directory (GET /api/form lists them). */
const LiaisonPicker = (props: { busy: boolean; onPick: (user: DemoUser) => Promise<void> }) => {
  useLang();
  const [units, setUnits] = useState<{ id: string; name: string }[]>([]);
  const [unitId, setUnitId] = useState('');
  useEffect(() => {
    void apiRequest<{ units: { id: string; name: string }[] }>('GET', '/api/form').then((r) => {
      if (r.ok) setUnits(r.json.units);
    });
  }, []);
  const unit = units.find((u) => u.id === unitId);
  return (
    <div class="field liaison-picker">
      <label for="liaison-unit">{rect('liaisonSignIn')}</label>
      <div class="row">
        <select id="liaison-unit" value={unitId} onChange={(e) => setUnitId((e.target as HTMLSelectElement).value)}>
          <option value="">{rect('chooseUnit')}</option>
          {units.map((u) => (
            <option value={u.id} key={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        <button type="button" id="liaison-sign-in" disabled={props.busy || !unit} onClick={() => unit && void props.onPick(demoLiaison(unit, rect('liaisonName', { unit: unit.name })))}>
          {rect('liaisonPick')}
        </button>
      </div>
      <p class="muted small">{rect('roleLiaison')}</p>
    </div>
  );
};

const loadLookup = async (api: Ctx['api']): Promise<Lookup> => {
  const [form, dash] = await Promise.all([apiRequest('GET', '/api/form'), api('GET', '/api/dashboard')]);
  const units = new Map<string, { id: string; name: string; system: string }>();
  for (const u of form.json?.units ?? []) units.set(u.id, u);
  const groups = ((dash.json?.byGroup ?? []) as { groupId: string | null; name: string }[])
    .filter((g) => g.groupId)
    .map((g) => ({ id: g.groupId!, name: g.name }));
  setCampaignTimeZone(form.json?.campaign?.timezone);
  return { units, groups, phases: form.json?.campaign?.phases ?? [], timezone: form.json?.campaign?.timezone ?? defaultTimeZone };
};

const Shell = (props: { session: Session; config: ConsoleConfig; onSignOut: (message?: string) => void; onSession: (s: Session) => void }) => {
  useLang();
  const [hash, setHash] = useState(parseHash());
  const renderedHash = useRef(location.hash);
  const [lookup, setLookup] = useState<Lookup | null>(null);
  const roles = rolesOf(props.session);

  const api = useMemo<Ctx['api']>(() => {
    let session = props.session;
    return async (method: string, path: string, options: ApiOptions = {}) => {
      let r = await apiRequest(method, path, { ...options, token: session.token });
      if (r.status === 401 && session.mode === 'cognito' && props.config.cognito) {
        const renewed = await refreshCognitoSession(props.config.cognito, session);
        if (renewed) {
          session = renewed;
          props.onSession(renewed);
          r = await apiRequest(method, path, { ...options, token: session.token });
        }
      }
      if (r.status === 401) props.onSignOut(t('sessionExpired'));
      return r;
    };
  }, [props.session.token]);

  useEffect(() => {
    const onHash = () => {
      setHash(parseHash());
      window.scrollTo(0, 0);
    };
    addEventListener('hashchange', onHash);
    // The hash may have changed between the first render and this effect (effects run after the
    // paint): a hashchange then had no listener, and the console stayed on the old route.
    if (location.hash !== renderedHash.current) setHash(parseHash());
    void loadLookup(api).then(setLookup);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const ctx: Ctx | null = lookup ? { session: props.session, roles, lookup, api } : null;
  const route = hash.route;
  // A unit's liaison has the ledger of their unit and its items, nothing else (the API refuses the rest).
  const liaison = liaisonOnly(roles);
  const nav = liaison
    ? [{ id: 'rectifications', href: '#/rectifications', label: rect('nav') }]
    : [
        { id: 'items', href: '#/items', label: t('navItems') },
        { id: 'dashboard', href: '#/dashboard', label: t('navDashboard') },
        { id: 'rectifications', href: '#/rectifications', label: rect('nav') },
        { id: 'sessions', href: '#/sessions', label: st('navSessions') },
        { id: 'practices', href: '#/practices', label: t('navPractices') },
        ...(roles.office || roles.leader ? [{ id: 'report', href: '#/report', label: rt('navReport') }] : []),
        ...(roles.office ? [{ id: 'directory', href: '#/directory', label: t('navDirectory') }] : []),
      ];
  const current = liaison ? 'rectifications' : route === 'item' ? 'items' : route === 'session' ? 'sessions' : route;
  return (
    <>
      <TopBar title={t('brand')} sub={t('signedInAs', { name: props.session.name })}>
        <button type="button" onClick={() => props.onSignOut()}>
          {t('signOut')}
        </button>
      </TopBar>
      <nav class="nav" aria-label={t('brand')}>
        {nav.map((n) => (
          <a href={n.href} key={n.id} aria-current={current === n.id ? 'page' : undefined}>
            {n.label}
          </a>
        ))}
      </nav>
      <main class="wide" id="main">
        {!ctx ? (
          <p role="status">{t('loading')}</p>
        ) : route === 'item' ? (
          <ItemPage ctx={ctx} id={hash.arg} key={hash.arg} />
        ) : route === 'rectifications' || (liaison && route !== 'item') ? (
          <Rectifications ctx={ctx} query={hash.query} />
        ) : route === 'dashboard' ? (
          <Dashboard ctx={ctx} query={hash.query} />
        ) : route === 'sessions' ? (
          <SessionList ctx={ctx} query={hash.query} />
        ) : route === 'session' ? (
          <SessionPage ctx={ctx} arg={hash.arg} key={hash.arg.split('/')[0]} />
        ) : route === 'report' && (roles.office || roles.leader) ? (
          <Report ctx={ctx} query={hash.query} />
        ) : route === 'practices' ? (
          <Practices ctx={ctx} />
        ) : route === 'directory' && roles.office ? (
          <DirectoryEditor ctx={ctx} />
        ) : (
          <Queue ctx={ctx} query={hash.query} />
        )}
      </main>
    </>
  );
};

const App = () => {
  const lang = useLang();
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [session, setSession] = useState<Session | null>(loadSession());
  const [message, setMessage] = useState('');

  useEffect(() => {
    document.title = lang === 'zh' ? '意见箱 · 工作台' : 'Yijian · Console';
  }, [lang]);

  useEffect(() => {
    void (async () => {
      const cfg = await loadConfig();
      if (cfg.cognito) {
        try {
          const s = await completeCognitoSignIn(cfg.cognito);
          if (s) setSession(s);
        } catch (error) {
          setMessage(t('signInFailed', { reason: error instanceof Error ? error.message : 'error' }));
        }
      }
      setConfig(cfg);
    })();
  }, []);

  if (!config) {
    return (
      <>
        <TopBar title={t('brand')} />
        <main>
          <p role="status">{t('loading')}</p>
        </main>
      </>
    );
  }
  if (!session) {
    return (
      <>
        <TopBar title={t('brand')} />
        <SignIn
          config={config}
          message={message}
          onSession={(s) => {
            setMessage('');
            setSession(s);
          }}
        />
      </>
    );
  }
  return (
    <Shell
      key={session.sub}
      session={session}
      config={config}
      onSession={setSession}
      onSignOut={(msg) => {
        signOut(config, session);
        setMessage(msg ?? '');
        setSession(null);
      }}
    />
  );
};

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
