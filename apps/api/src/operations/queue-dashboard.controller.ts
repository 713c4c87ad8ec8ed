import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig, bearerToken } from '#core';
import { Roles } from '../auth/auth.decorators.js';
import { ApiProblems } from '../common/openapi.js';
import { QUEUE_DASHBOARD_COOKIE, QUEUE_DASHBOARD_PATH, dashboardCookie } from './queue-dashboard.js';

@ApiTags('operations')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/admin/queue-dashboard')
export class QueueDashboardController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Post('session')
  @HttpCode(204)
  @ApiOperation({
    summary: `Opens the queue dashboard (${QUEUE_DASHBOARD_PATH}) in this browser (administrators)`,
    description:
      `Sets the cookie \`${QUEUE_DASHBOARD_COOKIE}\` (HttpOnly, SameSite=Strict, Path=${QUEUE_DASHBOARD_PATH}, at most 15 minutes ` +
      'and never longer than the access token it carries); then navigate to the dashboard. The dashboard and its API ' +
      `(${QUEUE_DASHBOARD_PATH}/api/…) also accept an administrator's bearer token.`,
  })
  @ApiNoContentResponse({ description: 'Cookie set', headers: { 'Set-Cookie': { schema: { type: 'string' }, description: `${QUEUE_DASHBOARD_COOKIE}=…; Path=${QUEUE_DASHBOARD_PATH}; HttpOnly; SameSite=Strict` } } })
  @ApiProblems(401, 403)
  open(@Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    // The guard has checked this very token: an administrator's, valid now.
    dashboardCookie(req, res, this.config, bearerToken(req.headers.authorization)!);
  }
}
