/**
 * What the background workers (shared/workers.ts) need to know about the deployment: who e-mail
 * comes from, where the public site lives, how long answered items wait before they close, and
 * who is told when a worker's failures pile up. Each is a CDK context value (`cdk deploy -c
 * mailFrom=desk@example.org`, or the "context" of cdk.json) with a default fit for a synth.
 */
import type { Construct } from 'constructs';
import { defaultContactRetentionDays, maxContactRetentionDays } from '../shared/settings';

export interface WorkerSettings {
  /**
   * The sender of every notification (`YIJIAN_MAIL_FROM`): `desk@example.org` or
   * `Campaign desk <desk@example.org>`. Context `mailFrom`.
   */
  readonly mailFrom: string;
  /**
   * The SES identity that sends: the domain of mailFrom (default) or mailFrom's address itself.
   * The notify function may send as this identity and nothing else. Context `sesIdentity`.
   */
  readonly sesIdentity: string;
  /**
   * Whether this stack creates the SES identity (a domain identity publishes its DKIM records as
   * outputs). Either way SES sends only once the identity is verified. Context `createSesIdentity`.
   */
  readonly createSesIdentity: boolean;
  /**
   * Where submitters track their items: links in e-mail (`YIJIAN_PUBLIC_URL`). Context `publicUrl`.
   * Unset: the stack gives notify the site's CloudFront URL (`https://<id>.cloudfront.net`).
   */
  readonly publicUrl?: string;
  /** Days an answered, unrated item waits before the sweeper closes it. Context `autoCloseDays`. */
  readonly autoCloseDays: number;
  /**
   * Days after an item ended (closed, rejected, merged) before the sweeper removes the submitter's
   * contact details (`YIJIAN_CONTACT_RETENTION_DAYS`). Context `contactRetentionDays`.
   */
  readonly contactRetentionDays: number;
  /** Subscribed (by e-mail) to the alarm topic, if given. Context `alarmEmail`. */
  readonly alarmEmail?: string;
}

export const defaultMailFrom = 'noreply@yijian.example';
export const defaultAutoCloseDays = 7;

const addressPattern = /^[^\s@<>]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$/;
const domainPattern = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;

/** The bare address of `addr` or `Display Name <addr>`. */
export function mailAddress(mailFrom: string): string {
  const match = /^(?:[^<>]*<([^<>]+)>|([^<>]+))$/.exec(mailFrom.trim());
  const address = (match?.[1] ?? match?.[2] ?? '').trim();
  if (!addressPattern.test(address)) {
    throw new Error(`mailFrom: "${mailFrom}" is not an e-mail address (or "Name <address>")`);
  }
  return address;
}

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

export function checkWorkerSettings(settings: WorkerSettings): WorkerSettings {
  const address = mailAddress(settings.mailFrom);
  const identity = settings.sesIdentity.toLowerCase();
  const domain = domainOf(address);
  const isAddress = identity.includes('@');
  if (isAddress ? !addressPattern.test(identity) : !domainPattern.test(identity)) {
    throw new Error(`sesIdentity: "${settings.sesIdentity}" is neither a domain nor an e-mail address`);
  }
  const covers = isAddress ? identity === address.toLowerCase() : domain === identity || domain.endsWith(`.${identity}`);
  if (!covers) {
    throw new Error(`sesIdentity: "${settings.sesIdentity}" does not cover the sender ${address} (mailFrom)`);
  }
  if (settings.publicUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(settings.publicUrl);
    } catch {
      throw new Error(`publicUrl: "${settings.publicUrl}" is not a URL`);
    }
    if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '') {
      throw new Error(`publicUrl: "${settings.publicUrl}" must be an https URL without ?query or #fragment`);
    }
  }
  if (!Number.isFinite(settings.autoCloseDays) || settings.autoCloseDays <= 0) {
    throw new Error(`autoCloseDays: expected a positive number of days, not "${settings.autoCloseDays}"`);
  }
  const retention = settings.contactRetentionDays;
  if (!Number.isSafeInteger(retention) || retention < 1 || retention > maxContactRetentionDays) {
    throw new Error(`contactRetentionDays: expected a whole number of days from 1 to ${maxContactRetentionDays}, not "${retention}"`);
  }
  if (settings.alarmEmail !== undefined && !addressPattern.test(settings.alarmEmail)) {
    throw new Error(`alarmEmail: "${settings.alarmEmail}" is not an e-mail address`);
  }
  return { ...settings, sesIdentity: identity };
}

const flag = (name: string, value: unknown): boolean => {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new Error(`context ${name}: expected true or false, not "${String(value)}"`);
};

/** The settings from the context values, each overridden by `overrides` when given there. */
export function workerSettingsFrom(scope: Construct, overrides: Partial<WorkerSettings> = {}): WorkerSettings {
  const context = (name: string): unknown => scope.node.tryGetContext(name);
  const mailFrom = overrides.mailFrom ?? String(context('mailFrom') ?? defaultMailFrom);
  const alarmEmail = overrides.alarmEmail ?? (context('alarmEmail') as unknown);
  const publicUrl = overrides.publicUrl ?? (context('publicUrl') as unknown);
  return checkWorkerSettings({
    mailFrom,
    sesIdentity: overrides.sesIdentity ?? String(context('sesIdentity') ?? domainOf(mailAddress(mailFrom))),
    createSesIdentity: overrides.createSesIdentity ?? flag('createSesIdentity', context('createSesIdentity')),
    autoCloseDays: overrides.autoCloseDays ?? Number(context('autoCloseDays') ?? defaultAutoCloseDays),
    contactRetentionDays: overrides.contactRetentionDays ?? Number(context('contactRetentionDays') ?? defaultContactRetentionDays),
    ...(publicUrl === undefined || publicUrl === '' ? {} : { publicUrl: String(publicUrl) }),
    ...(alarmEmail === undefined || alarmEmail === '' ? {} : { alarmEmail: String(alarmEmail) }),
  });
}
