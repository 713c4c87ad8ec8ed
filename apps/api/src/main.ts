import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { bootstrap, type Role } from '#core';
import { AppModule } from './app.module.js';
import { configureHttpApp } from './http-app.js';

const role: Role = process.argv[2] === 'api' ? 'api' : 'all';

await bootstrap(role, async ({ config }) => {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, { worker: role === 'all' }), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  configureHttpApp(app);
  await app.listen(config.port);
  return app;
});
