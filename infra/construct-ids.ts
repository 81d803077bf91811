/**
 * The construct ids the stack derives from the route table. They become the resources' logical
 * ids, and a changed logical id replaces the resource on deploy: change these only on purpose.
 */
import type { RouteDef } from '../shared/routes';

/** `list-items` -> `ListItems`, `/api/items/{id}` -> `ApiItemsId`. */
const pascal = (text: string): string =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');

/** A handler's function: `ListItems`. */
export const functionId = (handler: string): string => pascal(handler);

/** A streaming handler's function URL output: `ExportItemsUrl`. */
export const functionUrlOutputId = (handler: string): string => `${pascal(handler)}Url`;

/** An HTTP API route: `RouteGetApiItemsId` (its integration adds `Integration`). */
export const routeId = (route: Pick<RouteDef, 'method' | 'path'>): string =>
  `Route${pascal(route.method.toLowerCase())}${pascal(route.path)}`;

/** The 405 route of a path: `RouteAnyApiItemsId` (infra/http-api.ts). */
export const anyRouteId = (path: string): string => `RouteAny${pascal(path)}`;
