import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { parseConfig, responseComponents } from '#core';
import { AppModule } from './app.module.js';

/**
 * The OpenAPI document of the API, as `/docs-json` serves it: the routes from the controllers'
 * decorators, request schemas inline, response schemas (zod, `named()`) as `components.schemas`.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Convene API')
      .setDescription(
        'Multi-agency case conferences: pathways, tasks, conferences and reminders. Errors are ' +
          '`application/problem+json` (RFC 9457).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...responseComponents() } };
  return document;
}

/**
 * The same document without a database, queue or network: the app's modules in Nest's preview mode
 * (the module graph is built, no provider is instantiated). The web client is generated from it
 * (`scripts/openapi-client.mjs`).
 */
export async function openApiDocumentOffline(): Promise<OpenAPIObject> {
  const config = parseConfig({
    // Never connected to: in preview mode no provider (data source, queue) is created.
    DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi',
    JWT_SECRET: 'openapi-document-only-not-a-secret',
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, { worker: true }), {
    preview: true,
    logger: false,
    bodyParser: false,
    abortOnError: false,
  });
  try {
    return createOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
