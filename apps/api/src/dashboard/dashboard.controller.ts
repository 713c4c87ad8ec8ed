import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { zodQuery } from '#core';
import { type Actor, DashboardService } from '#domain';
import { CurrentActor, RequestId } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodOk, ApiZodQuery } from '../common/openapi.js';
import { DashboardOverdueTrend, DashboardStepDurations, DashboardSummary } from './dashboard.responses.js';

const TrendQuery = z
  .object({ weeks: z.coerce.number().int().min(1).max(52).default(12).describe('How many weeks back (default 12)') })
  .strict();

/** Aggregates for the dashboard: counts only, over the cases the caller may see (like GET /api/cases). */
@ApiTags('dashboard')
@ApiBearerAuth()
@Controller('api/dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get('summary')
  @ApiOperation({
    summary: 'Open cases by pathway and step, open/overdue/due-soon tasks per agency, conferences in the next 14 days',
    description: 'Counts over the cases the caller may see; agency staff count their own agency\'s tasks only. One audit entry per read.',
  })
  @ApiZodOk(DashboardSummary)
  @ApiProblems(401)
  summary(@CurrentActor() actor: Actor, @RequestId() requestId?: string) {
    return this.dashboard.summary(actor, { requestId });
  }

  @Get('overdue-trend')
  @ApiOperation({ summary: 'Overdue tasks per agency at the end of each of the last weeks (default 12)' })
  @ApiZodQuery(TrendQuery)
  @ApiZodOk(DashboardOverdueTrend)
  @ApiProblems(400, 401)
  overdueTrend(@Query(zodQuery(TrendQuery)) q: z.infer<typeof TrendQuery>, @CurrentActor() actor: Actor, @RequestId() requestId?: string) {
    return this.dashboard.overdueTrend(actor, q.weeks, { requestId });
  }

  @Get('step-durations')
  @ApiOperation({ summary: 'Days spent per step of each pathway: median and 90th percentile, over steps left in the last year' })
  @ApiZodOk(DashboardStepDurations)
  @ApiProblems(401)
  stepDurations(@CurrentActor() actor: Actor, @RequestId() requestId?: string) {
    return this.dashboard.stepDurations(actor, { requestId });
  }
}
