/**
 * The two CloudFront Functions (cloudfront-js-2.0) of the site's distribution, both on viewer
 * request: the page rewrite of the default (bucket) behavior, and the viewer address of /api/*.
 * Their code is inline JavaScript of CloudFront's own runtime, not bundled TypeScript: CloudFront
 * Functions take one small script and no modules.
 */
import { FunctionCode, FunctionRuntime, Function as EdgeFunction } from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { viewerIpHeader } from '../shared/http/client-address';
import { sessionPageFile, sessionPagePattern } from '../shared/page-paths';

/** The pretty paths of the pages (as local/pages.ts serves them); `/` is the default root object. */
export const pagePaths: Readonly<Record<string, string>> = {
  '/track': '/track.html',
  '/answers': '/answers.html',
  '/console': '/console.html',
};

/**
 * The viewer-request function of the default (bucket) behavior, cloudfront-js-2.0; only page
 * requests reach it (/api/* has behaviors of its own). `/console/` is redirected to `/console`
 * rather than served: the console's sign-in returns to its own URL, which must be exactly the
 * app client's callback URL.
 */
export const pageRewriteCode = `var pages = ${JSON.stringify(pagePaths)};
var sessionPath = ${sessionPagePattern.toString()};
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.length > 1 && uri.charAt(uri.length - 1) === '/' && pages[uri.slice(0, -1)]) {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: uri.slice(0, -1) } } };
  }
  var page = pages[uri];
  if (page) request.uri = page;
  else if (sessionPath.test(uri)) request.uri = ${JSON.stringify(`/${sessionPageFile}`)};
  return request;
}
`;

/**
 * The viewer-request function of /api/*, cloudfront-js-2.0: the viewer's IP address (IPv4, or IPv6
 * without brackets or port) in a header of our own, replacing any header of that name the viewer
 * sent. Set here rather than asking CloudFront for its CloudFront-Viewer-Address header: an origin
 * request policy that adds CloudFront-* headers forwards the viewer's Host header too
 * (allViewerAndWhitelistCloudFront), which API Gateway answers with 403, and one that drops Host
 * (allExcept) cannot add CloudFront-* headers (nor can a policy of our own list Authorization, which
 * the staff routes need). A header set by a function is a viewer header to the managed policy the
 * API already uses, which passes every viewer header but Host.
 */
export const viewerIpCode = `function handler(event) {
  var request = event.request;
  request.headers[${JSON.stringify(viewerIpHeader)}] = { value: event.viewer.ip };
  return request;
}
`;

/** `PageRewrite` in `scope` (the site): /track, /answers, /console and /s/<code> to their pages. */
export function createPageRewrite(scope: Construct): EdgeFunction {
  return new EdgeFunction(scope, 'PageRewrite', {
    comment: 'yijian: /track, /console and /s/<code> to their pages',
    runtime: FunctionRuntime.JS_2_0,
    code: FunctionCode.fromInline(pageRewriteCode),
  });
}

/** `ViewerIp` in `scope` (the site): the viewer's IP address on every /api/* request. */
export function createViewerIp(scope: Construct): EdgeFunction {
  return new EdgeFunction(scope, 'ViewerIp', {
    comment: 'yijian: the viewer IP address for the API per-client limits',
    runtime: FunctionRuntime.JS_2_0,
    code: FunctionCode.fromInline(viewerIpCode),
  });
}
