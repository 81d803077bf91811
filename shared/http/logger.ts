import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per process. Never pass it request bodies, contact details, access
 * keys or tokens: log identifiers (request id, tracking code, route) and outcomes only.
 */
export const logger = new Logger({ serviceName: 'yijian' });
