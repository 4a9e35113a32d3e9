import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { APP_VERSION } from '../app-info.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { documentLegacyRoutes, legacyRoutesOf } from '../http/http-edge.module.js';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Kidney Genetics DB API')
    .setDescription(
      'Curated kidney-disease genes with evidence per source, scores, tiers and annotations. ' +
        'Every error uses the ErrorEnvelope schema; `X-Request-ID` is echoed on every response. ' +
        'Each operation states the role it needs in `x-required-role` (anonymous, viewer, ' +
        'curator or admin; each role includes the ones before it).',
    )
    .setVersion(APP_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    // Swagger UI's Authorize button logs in through the password flow.
    .addOAuth2(
      { type: 'oauth2', flows: { password: { tokenUrl: '/api/auth/login', scopes: {} } } },
      'oauth2',
    )
    .build();
  return documentLegacyRoutes(
    SwaggerModule.createDocument(app, config, { extraModels: [ErrorEnvelope] }),
    legacyRoutesOf(app),
  );
}

/** Swagger UI at /docs and the JSON spec at /openapi.json. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'Kidney Genetics DB API',
  });
}
