import { Controller, Get, Header, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsCollector, Public } from '#core';
import { ApiProblems } from '../common/openapi.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';

const EXAMPLE = `# HELP convene_queue_jobs Jobs per queue and state (waiting, delayed, active, failed), read at scrape time
# TYPE convene_queue_jobs gauge
convene_queue_jobs{queue="reminders",state="delayed"} 12
`;

@ApiTags('operations')
@ApiBearerAuth()
@Public()
@UseGuards(MetricsAccessGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly collector: MetricsCollector) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "Prometheus metrics (an administrator's token, or METRICS_TOKEN)",
    description:
      'Text exposition format 0.0.4. HTTP request durations by method, route template and status; jobs per queue ' +
      'and state and outbox rows not yet relayed (read at scrape time; NaN with `convene_scrape_source_up{source} 0` ' +
      'when the queue or database does not answer); notification deliveries by channel and outcome; timer and reminder ' +
      'lateness; reconciler repairs; process metrics (`convene_process_*`, `convene_nodejs_*`). See docs/operations.md.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'The metrics, in Prometheus text format',
    content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string', example: EXAMPLE } } },
  })
  @ApiProblems(401, 403)
  async metrics(@Res({ passthrough: true }) res: Response): Promise<string> {
    const body = await this.collector.render();
    res.setHeader('Content-Type', this.collector.contentType);
    return body;
  }
}
