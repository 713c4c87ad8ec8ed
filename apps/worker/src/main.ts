import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { bootstrap, WorkerMetricsModule } from '#core';
import { WorkerModule } from './worker.module.js';

/** The standalone worker: the processors, and `GET /metrics` on WORKER_METRICS_PORT when set. */
@Module({})
class WorkerProcess {}

await bootstrap('worker', async ({ config }) => {
  const app = await NestFactory.createApplicationContext(
    { module: WorkerProcess, imports: [WorkerModule.forRoot(config), WorkerMetricsModule.forRoot(config)] },
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  await app.init();
  return app;
});
