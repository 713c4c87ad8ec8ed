import { Module } from '@nestjs/common';
import { MetricsCollector } from '#core';
import { HttpMetrics } from './http-metrics.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MetricsController } from './metrics.controller.js';
import { QueueDashboard } from './queue-dashboard.js';
import { QueueDashboardController } from './queue-dashboard.controller.js';

/** What operators see: `GET /metrics`, request timing, and the administrators' queue dashboard. */
@Module({
  controllers: [MetricsController, QueueDashboardController],
  providers: [HttpMetrics, MetricsCollector, MetricsAccessGuard, QueueDashboard],
})
export class OperationsModule {}
