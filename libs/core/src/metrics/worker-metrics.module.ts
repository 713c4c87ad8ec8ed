import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { PROBLEM_CONTENT_TYPE, problem } from '../http/problem.js';
import { MetricsCollector } from './metrics-collector.js';
import { bearerToken, isMetricsToken } from './metrics-token.js';

/**
 * `GET /metrics` of a standalone worker process (`npm run start:worker` with WORKER_METRICS_PORT).
 * A worker has no HTTP API and no users, so METRICS_TOKEN is the only credential (parseConfig
 * refuses the port without one). Anything else answers problem JSON, like the API.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('metrics');
  private server: Server | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly collector: MetricsCollector,
  ) {}

  /** The port it listens on (the configured one, or the one picked for port 0). */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.workerMetricsPort, () => resolve());
    });
    this.server = server;
    this.logger.log({ port: this.port }, 'worker metrics: serving GET /metrics');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return send(res, 404, 'not_found', 'Only GET /metrics is served here');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method_not_allowed', 'Use GET', { allow: 'GET, HEAD' });
    const token = bearerToken(req.headers.authorization);
    if (!token) return send(res, 401, 'unauthorized', 'Send Authorization: Bearer <METRICS_TOKEN>', { 'www-authenticate': 'Bearer' });
    if (!isMetricsToken(token, this.config.metricsToken)) return send(res, 401, 'unauthorized', 'The token is not METRICS_TOKEN', { 'www-authenticate': 'Bearer' });
    try {
      const body = await this.collector.render();
      res.writeHead(200, { 'content-type': this.collector.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      this.logger.error({ err: { type: (error as Error).name, message: (error as Error).message } }, 'worker metrics: could not render');
      send(res, 500, 'internal', 'Something went wrong on our side. It has been logged.');
    }
  }
}

function send(res: ServerResponse, status: number, code: string, detail: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE, ...headers });
  res.end(JSON.stringify(problem(code, status, detail)));
}

/** Import into a standalone worker's root module when `config.workerMetricsPort` is set. */
@Module({})
export class WorkerMetricsModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.workerMetricsPort === undefined) return { module: WorkerMetricsModule };
    return { module: WorkerMetricsModule, providers: [MetricsCollector, WorkerMetricsServer], exports: [WorkerMetricsServer] };
  }
}
