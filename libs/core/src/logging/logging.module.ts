import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config/config.schema.js';
import { REQUEST_ID } from './request-context.js';

/**
 * Structured JSON logs with a request id (from `X-Request-Id` when sane, else a UUID), echoed in
 * the response. Only method, path and status are logged: never bodies, queries or auth headers.
 */
export function loggingModule(config: AppConfig) {
  return LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(config.logLevel) });
}

/** The pino-http options of every Convene process (tests that read the logs reuse them). */
export function pinoHttpOptions(level: AppConfig['logLevel']) {
  return {
    level,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
    redact: ['req.headers', 'res.headers'],
  };
}
