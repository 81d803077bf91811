/**
 * The one response headers policy of every path of the site's distribution: a strict
 * Content-Security-Policy and the security headers local/pages.ts sends too, so the pages behave
 * the same locally and deployed.
 */
import { Duration } from 'aws-cdk-lib';
import { HeadersFrameOption, HeadersReferrerPolicy, ResponseHeadersPolicy } from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';

/**
 * The policy of every response: only this origin's scripts, styles and images (and data: images),
 * fetches to this origin and Cognito, no framing, no <base>, forms posting here only.
 * `connectSources` are the Cognito endpoints the console calls (the token endpoint of the managed login).
 * `objectStore` is the attachments bucket's origin: the pages post uploads there and show its
 * signed files; `blob:` images are the photos the form shrank, shown before they are sent.
 */
export const contentSecurityPolicy = (connectSources: readonly string[], objectStore?: string): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    ['img-src', "'self'", 'data:', 'blob:', ...(objectStore ? [objectStore] : [])].join(' '),
    ['connect-src', "'self'", ...connectSources, ...(objectStore ? [objectStore] : [])].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');

/** Sent besides the CSP, as local/pages.ts sends them. */
export const permissionsPolicy = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

/** `SecurityHeaders` in `scope` (the site), with `connectSources` added to the CSP's connect-src. */
export function createSecurityHeaders(scope: Construct, connectSources: readonly string[], objectStore?: string): ResponseHeadersPolicy {
  return new ResponseHeadersPolicy(scope, 'SecurityHeaders', {
    comment: 'yijian: strict CSP and security headers on every response',
    securityHeadersBehavior: {
      contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(connectSources, objectStore), override: true },
      strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      // The tracking page's URL fragment carries the access key: never leak a URL to another site.
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
    },
    customHeadersBehavior: {
      customHeaders: [
        { header: 'Permissions-Policy', value: permissionsPolicy, override: true },
        { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        { header: 'Cross-Origin-Resource-Policy', value: 'same-origin', override: true },
      ],
    },
  });
}
