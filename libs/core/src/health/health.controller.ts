import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { QueueService } from '../queue/queue.service.js';
import { Public } from '../http/public.decorator.js';
import { HealthRepository } from './health.repository.js';
import { ApiZodResponse } from '../http/response-schemas.js';
import { Health } from './health.responses.js';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: QueueService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: database and queue backend' })
  @ApiZodResponse(200, Health, { description: '`{status: "ok", database: "up", queue: {backend, status: "up"}}`' })
  @ApiZodResponse(503, Health, { description: 'The database or the queue backend does not answer' })
  async health(@Res({ passthrough: true }) res: Response) {
    const [database, queue] = await Promise.all([this.databaseUp(), this.queues.ping()]);
    const ok = database && queue;
    res.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'unavailable',
      database: database ? 'up' : 'down',
      queue: { backend: this.queues.backend, status: queue ? 'up' : 'down' },
    };
  }

  private async databaseUp(): Promise<boolean> {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref());
    try {
      await Promise.race([HealthRepository.ping(this.db), timeout]);
      return true;
    } catch {
      return false;
    }
  }
}
