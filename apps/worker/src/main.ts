import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { bootstrap } from '../../../libs/core/src/bootstrap/bootstrap.js';
import { WorkerModule } from './worker.module.js';

await bootstrap('worker', async ({ config }) => {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  return app;
});
