import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { answerClientErrors, APP_CONFIG, CarryRequestId, DomainError, inHttpRequest, ProblemFilter, sendProblem, toProblem, unsafeInputErrors, type AppConfig } from '#core';
import { RetryReadsOnConnectionLoss } from './common/retry-reads.interceptor.js';
import { createOpenApiDocument } from './openapi-document.js';

export const BODY_LIMIT = '256kb';

/**
 * Everything HTTP that is not a route: body parsing with a size limit, problem JSON for every
 * error (also body-parser's and Node's HTTP parser's), strings no database can store refused for
 * every route, and the OpenAPI document at /docs and /docs-json.
 */
export function configureHttpApp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  answerClientErrors(app.getHttpServer());
  // Statements issued while answering a request count as `origin="http"` (convene_db_statements_total).
  app.use((_req: Request, _res: Response, next: NextFunction) => inHttpRequest(next));
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    sendProblem(res, toProblem(error));
  });
  app.use(refuseUnsafeInput);
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalInterceptors(new CarryRequestId(), new RetryReadsOnConnectionLoss());
  serveWebApp(app);

  SwaggerModule.setup('docs', app, createOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}

/**
 * The safety net under ZodPipe: NUL, unpaired surrogates and runaway nesting in any body or query
 * are refused here, before guards, pipes or handlers — also those that read the request without
 * a ZodPipe. Headers need no check: Node's parser refuses control characters in them and reads
 * them as Latin-1, which has no surrogates.
 */
function refuseUnsafeInput(req: Request, res: Response, next: NextFunction): void {
  for (const [what, value] of [['Request body', req.body], ['Query', req.query]] as const) {
    const errors = unsafeInputErrors(value);
    if (errors.length > 0) return sendProblem(res, toProblem(new DomainError('bad_request', `${what} is invalid`, { errors })));
  }
  next();
}

const API_PREFIXES = ['/api', '/docs', '/health', '/metrics', '/admin/queues'];

/**
 * Serves the browser app (apps/web, built by Vite) on the same origin: its files, and index.html for
 * any other GET that asks for HTML (client-side routes such as /cases/123).
 */
function serveWebApp(app: NestExpressApplication): void {
  const dist = app.get<AppConfig>(APP_CONFIG).webDist;
  const index = path.join(dist, 'index.html');
  const files = express.static(dist, { index: false, maxAge: '1h' });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || API_PREFIXES.some((p) => req.path === p || req.path.startsWith(`${p}/`) || req.path.startsWith(`${p}-`))) {
      return next();
    }
    // Checked per request, so a build made after start is served too (and an API without one still works).
    if (!existsSync(index)) return next();
    files(req, res, () => (req.accepts('html') ? res.sendFile(index) : next()));
  });
}
