import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express, NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from '#core';

/** `route` label of requests no route matched: unknown paths (404) and errors before routing. */
export const UNMATCHED_ROUTE = 'unmatched';
/** `route` label of successful requests no route matched: the web app's files and pages, Swagger UI. */
export const STATIC_ROUTE = 'static';

/** Middlewares that answer a whole subtree themselves (the queue dashboard) name it here. */
export const setMetricsRoute = (res: Response, route: string) => {
  res.locals.metricsRoute = route;
};

/**
 * The route label: the matched route's template (`/api/cases/:id`), never the raw path, so the
 * label set stays bounded whatever ids or junk callers send.
 */
export function routeLabel(req: Request, res: Response): string {
  const fixed: unknown = res.locals.metricsRoute;
  if (typeof fixed === 'string') return fixed;
  // Express types `req.route` as `any`: it is the matched route (a `path` template) or undefined.
  const template: unknown = (req.route as { path?: unknown } | undefined)?.path;
  // Nest's 404 handler is a catch-all route (`{/*splat}`): a wildcard names no route of ours.
  if (typeof template === 'string' && !template.includes('*')) return `${req.baseUrl ?? ''}${template}`;
  return res.statusCode < 400 ? STATIC_ROUTE : UNMATCHED_ROUTE;
}

export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const end = httpRequestDuration.startTimer();
  res.once('finish', () => end({ method: req.method, route: routeLabel(req, res), status: String(res.statusCode) }));
  next();
}

/**
 * Times every HTTP request into `convene_http_request_duration_seconds`. Installed while Nest
 * creates the providers — before `configureHttpApp` adds body parsing and the web app — so the
 * first middleware of all: body-parser errors, guard refusals, 404s and the web app's files count too.
 */
@Injectable()
export class HttpMetrics {
  constructor(host: HttpAdapterHost) {
    host.httpAdapter.getInstance<Express>().use(httpMetricsMiddleware);
  }
}
