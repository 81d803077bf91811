/**
 * Staff sign-in. Deployed: Cognito's managed login with the authorization code grant and PKCE
 * (a public client, no secret), configured by `/console-config.json`. Locally (no such file): a
 * picker of demo users whose tokens come from the local issuer (`POST /api/dev/token`).
 * Tokens live in sessionStorage: gone when the tab closes.
 */
import { apiRequest } from '../lib/api';
import { randomId } from '../lib/ui';
import { saidProblem, type Said } from '../lib/messages';

export interface CognitoConfig {
  /** e.g. https://yijian-staff.auth.ap-east-1.amazoncognito.com */
  domain: string;
  clientId: string;
  /** Defaults to this page's URL without query or fragment (must equal the app client's callback URL). */
  redirectUri?: string;
  scopes?: string[];
}

export interface ConsoleConfig {
  cognito?: CognitoConfig;
}

export interface Session {
  mode: 'dev' | 'cognito';
  token: string;
  refreshToken?: string;
  sub: string;
  name: string;
  groups: string[];
  /** Epoch seconds. */
  exp: number;
}

const sessionKey = 'yijian.console.session';
const pkceKey = 'yijian.console.pkce';

export const decodeJwt = (token: string): Record<string, unknown> => {
  const part = token.split('.')[1] ?? '';
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
};

const groupsOf = (claims: Record<string, unknown>): string[] => {
  const g = claims['cognito:groups'];
  if (Array.isArray(g)) return g.map(String);
  if (typeof g === 'string') return g.replace(/^\[|\]$/g, '').split(/[ ,]+/).filter(Boolean);
  return [];
};

export const loadSession = (): Session | null => {
  try {
    const s = JSON.parse(sessionStorage.getItem(sessionKey) ?? 'null') as Session | null;
    if (s && s.exp * 1000 > Date.now() + 30_000) return s;
  } catch {
    // ignore a broken entry
  }
  return null;
};

const saveSession = (s: Session | null) => {
  if (s) sessionStorage.setItem(sessionKey, JSON.stringify(s));
  else sessionStorage.removeItem(sessionKey);
};

export const loadConfig = async (): Promise<ConsoleConfig> => {
  const r = await apiRequest<ConsoleConfig>('GET', '/console-config.json');
  return r.ok && r.json && typeof r.json === 'object' ? r.json : {};
};

export interface DemoUser {
  sub: string;
  name: string;
  nameEn: string;
  groups: string[];
}

export const demoUsers: DemoUser[] = [
  { sub: 'demo-office', name: '办公室', nameEn: 'Campaign office', groups: ['office'] },
  { sub: 'demo-leader', name: '区委领导', nameEn: 'District leader', groups: ['leader'] },
  ...['第一', '第二', '第三', '第四', '第五'].map((n, i) => ({
    sub: `demo-g${i + 1}`,
    name: `${n}督导组`,
    nameEn: `Supervision group ${i + 1}`,
    groups: [`group:g${i + 1}`],
  })),
];

export const devSignIn = async (user: DemoUser): Promise<Session | Said> => {
  const r = await apiRequest<{ token: string }>('POST', '/api/dev/token', { body: { sub: user.sub, name: user.name, groups: user.groups } });
  if (!r.ok) return saidProblem(r);
  const claims = decodeJwt(r.json.token);
  const session: Session = {
    mode: 'dev',
    token: r.json.token,
    sub: String(claims.sub ?? user.sub),
    name: String(claims.name ?? user.name),
    groups: groupsOf(claims),
    exp: Number(claims.exp ?? Date.now() / 1000 + 3600),
  };
  saveSession(session);
  return session;
};

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const redirectUriOf = (cfg: CognitoConfig) => cfg.redirectUri ?? `${location.origin}${location.pathname}`;

/** Sends the browser to the managed login; it comes back to this page with ?code=&state=. */
export const startCognitoSignIn = async (cfg: CognitoConfig): Promise<void> => {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = randomId();
  sessionStorage.setItem(pkceKey, JSON.stringify({ verifier, state, back: location.hash }));
  const url = new URL('/oauth2/authorize', cfg.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: redirectUriOf(cfg),
    scope: (cfg.scopes ?? ['openid', 'email', 'profile']).join(' '),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
};

const tokenRequest = async (cfg: CognitoConfig, params: Record<string, string>) => {
  const response = await fetch(new URL('/oauth2/token', cfg.domain), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: cfg.clientId, ...params }).toString(),
  });
  if (!response.ok) throw new Error(`token endpoint: HTTP ${response.status}`);
  return (await response.json()) as { access_token: string; id_token?: string; refresh_token?: string; expires_in: number };
};

const sessionFromTokens = (tokens: { access_token: string; id_token?: string; refresh_token?: string }, previous?: Session): Session => {
  const access = decodeJwt(tokens.access_token);
  const id = tokens.id_token ? decodeJwt(tokens.id_token) : {};
  return {
    mode: 'cognito',
    token: tokens.access_token,
    refreshToken: tokens.refresh_token ?? previous?.refreshToken,
    sub: String(access.sub ?? ''),
    name: String(id.name ?? id.email ?? access.username ?? previous?.name ?? ''),
    groups: groupsOf(access),
    exp: Number(access.exp ?? 0),
  };
};

/** On return from the managed login: exchanges the code (with the PKCE verifier) for tokens. */
export const completeCognitoSignIn = async (cfg: CognitoConfig): Promise<Session | null> => {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const state = params.get('state');
  if (!code && !params.get('error')) return null;
  const saved = JSON.parse(sessionStorage.getItem(pkceKey) ?? 'null') as { verifier: string; state: string; back: string } | null;
  sessionStorage.removeItem(pkceKey);
  history.replaceState(null, '', `${location.pathname}${saved?.back ?? ''}`);
  if (!code || !saved || saved.state !== state) throw new Error('sign-in was not completed');
  const tokens = await tokenRequest(cfg, { grant_type: 'authorization_code', code, redirect_uri: redirectUriOf(cfg), code_verifier: saved.verifier });
  const session = sessionFromTokens(tokens);
  saveSession(session);
  return session;
};

/** Renews a Cognito session with its refresh token; null when that is not possible. */
export const refreshCognitoSession = async (cfg: CognitoConfig, session: Session): Promise<Session | null> => {
  if (!session.refreshToken) return null;
  try {
    const next = sessionFromTokens(await tokenRequest(cfg, { grant_type: 'refresh_token', refresh_token: session.refreshToken }), session);
    saveSession(next);
    return next;
  } catch {
    return null;
  }
};

export const signOut = (config: ConsoleConfig, session: Session | null): void => {
  saveSession(null);
  if (session?.mode === 'cognito' && config.cognito) {
    const url = new URL('/logout', config.cognito.domain);
    url.search = new URLSearchParams({ client_id: config.cognito.clientId, logout_uri: redirectUriOf(config.cognito) }).toString();
    location.assign(url.toString());
  }
};

export interface Roles {
  office: boolean;
  leader: boolean;
  groups: string[];
  /** Member units the user is the liaison of (`unit:<unitId>`). */
  units: string[];
}

/** A liaison and nothing else: the console shows the unit's rectifications only (the API refuses the rest). */
export const liaisonOnly = (roles: Roles): boolean => !roles.office && !roles.leader && roles.groups.length === 0 && roles.units.length > 0;

/** The local demo's liaison of a unit (`unit:<unitId>`), offered by the sign-in picker for each unit. */
export const demoLiaison = (unit: { id: string; name: string }, name: string): DemoUser => ({ sub: `demo-liaison-${unit.id}`, name, nameEn: name, groups: [`unit:${unit.id}`] });

export const rolesOf = (session: Session): Roles => ({
  office: session.groups.includes('office'),
  leader: session.groups.includes('leader'),
  groups: session.groups.filter((g) => g.startsWith('group:')).map((g) => g.slice('group:'.length)),
  units: session.groups.filter((g) => g.startsWith('unit:')).map((g) => g.slice('unit:'.length)),
});
