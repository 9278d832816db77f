import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';
import { attachRecord, newRequestRecord, type RequestRecord } from './request-record.js';
import { REQUEST_ID_HEADER } from './access-plugin.js';

function pathOf(url: string | undefined): string {
  const target = url ?? '/';
  const query = target.indexOf('?');
  // Only the path: a GET's query string carries variables, which may be anyone's data.
  const path = query < 0 ? target : target.slice(0, query);
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/**
 * Opens the record of a request arriving at the node listener, answers its `x-request-id`, and
 * writes its access-log line and metrics when the response is done (or the client left: status
 * 499, as nginx counts it). The one log line per request, at `info`: `logger` is null when the
 * level drops it, and then, without metrics, nothing waits for the response to finish.
 */
export function observeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger | null,
  metrics: Metrics | null,
): RequestRecord {
  const sent = req.headers[REQUEST_ID_HEADER];
  const record = newRequestRecord(typeof sent === 'string' ? sent : null);
  attachRecord(req, record);
  res.setHeader(REQUEST_ID_HEADER, record.requestId);
  if (logger === null && metrics === null) return record;
  const started = performance.now();
  res.once('close', () => {
    const durationMs = performance.now() - started;
    const status = res.writableFinished ? res.statusCode : 499;
    logger?.info('request', {
      requestId: record.requestId,
      method: req.method,
      path: pathOf(req.url),
      status,
      durationMs: Math.round(durationMs * 10) / 10,
      operationName: record.operationName,
      operationType: record.operationType,
      documentId: record.documentId,
      role: record.role,
      keyId: record.keyId,
      cache: record.cache,
      rateLimit: record.rateLimit,
      ...(record.errorCodes.length > 0 && { errors: record.errorCodes }),
    });
    metrics?.requestDone(record, status, durationMs / 1000);
  });
  return record;
}
