import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '#core';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { transaction } from '../db.js';
import type { Actor } from '../identity/actor.js';
import { PathwayCatalog } from '../pathways/pathway-catalog.service.js';
import { DashboardRepository } from './dashboard.repository.js';

const DAY_MS = 86_400_000;
/** Conferences shown ahead, and how far "due soon" looks. */
export const DASHBOARD_CONFERENCE_DAYS = 14;
export const DASHBOARD_DUE_SOON_DAYS = 7;
/** The step-duration chart reads transitions of the last year. */
const STEP_WINDOW_DAYS = 365;

/** Dotted leaf paths of an XState state value: `"a"` → `["a"]`, `{a: "b"}` → `["a.b"]`. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, child]) => leafPaths(child, prefix ? `${prefix}.${k}` : k));
  }
  return [];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The coordinator's overview: figures over the cases the caller may see (AccessService's filters,
 * exactly as the case list applies them), each read recorded once in the audit log.
 */
@Injectable()
export class DashboardService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly catalog: PathwayCatalog,
    private readonly clock: Clock,
  ) {}

  /** Titles for people: the pathway's title and each state's `meta.title` (ids when the version is unknown). */
  private async titles(pathway: string, version: number): Promise<{ pathway: string; state: (value: unknown) => string; stateId: (value: unknown) => string }> {
    try {
      const compiled = await this.catalog.compiledVersion(pathway, version);
      const title = typeof compiled.definition.title === 'string' ? compiled.definition.title : pathway;
      const stateId = (value: unknown) => leafPaths(value).join(', ');
      const state = (value: unknown) =>
        leafPaths(value)
          .map((path) => compiled.states.get(`${compiled.rootId}.${path}`)?.title ?? path)
          .join(', ');
      return { pathway: title, state, stateId };
    } catch {
      const stateId = (value: unknown) => leafPaths(value).join(', ');
      return { pathway, state: stateId, stateId };
    }
  }

  private titleCache() {
    const cache = new Map<string, Awaited<ReturnType<DashboardService['titles']>>>();
    return async (pathway: string, version: number) => {
      const key = `${pathway}@${version}`;
      let hit = cache.get(key);
      if (!hit) {
        hit = await this.titles(pathway, version);
        cache.set(key, hit);
      }
      return hit;
    };
  }

  /** Open cases by pathway and step, tasks per agency (open, overdue, due soon), conferences ahead. */
  async summary(actor: Actor, opts: { requestId?: string } = {}) {
    const now = this.clock.now();
    const visible = (first: number) => this.access.caseFilter(actor, 'c', first, 'all');
    const visibleTasks = (first: number) => this.access.taskFilter(actor, 't', first);
    return transaction(this.ds, async (db) => {
      // One connection: the statements run one after another.
      const steps = await DashboardRepository.openCasesByStep(db, visible);
      const agencies = await DashboardRepository.taskLoad(db, now, DASHBOARD_DUE_SOON_DAYS, visible, visibleTasks);
      const conferences = await DashboardRepository.upcomingConferences(db, now, DASHBOARD_CONFERENCE_DAYS, 50, visible);
      await this.audit.record(db, actor, { action: 'dashboard.read', resource: 'dashboard', resourceId: 'summary', requestId: opts.requestId });
      const titles = this.titleCache();
      const openCases = [];
      for (const s of steps) {
        const t = await titles(s.pathway, s.version);
        openCases.push({ pathway: s.pathway, pathwayTitle: t.pathway, state: s.state, stateId: t.stateId(s.state), stateTitle: t.state(s.state), cases: s.cases });
      }
      return {
        generatedAt: now.toISOString(),
        dueSoonDays: DASHBOARD_DUE_SOON_DAYS,
        conferenceDays: DASHBOARD_CONFERENCE_DAYS,
        openCases,
        agencies: agencies.map((a) => ({ ...a, agencyName: a.agencyName ?? a.agencyId })),
        conferences: conferences.map((c) => ({ ...c, scheduledAt: c.scheduledAt.toISOString() })),
      };
    });
  }

  /** Overdue tasks per agency at the end of each of the last `weeks` weeks, oldest week first. */
  async overdueTrend(actor: Actor, weeks: number, opts: { requestId?: string } = {}) {
    const now = this.clock.now();
    const visible = (first: number) => this.access.caseFilter(actor, 'c', first, 'all');
    const visibleTasks = (first: number) => this.access.taskFilter(actor, 't', first);
    return transaction(this.ds, async (db) => {
      const rows = await DashboardRepository.weeklyOverdue(db, now, weeks, visible, visibleTasks);
      await this.audit.record(db, actor, { action: 'dashboard.read', resource: 'dashboard', resourceId: 'overdue-trend', requestId: opts.requestId });
      const names = new Map((await DashboardRepository.agencyNames(db, [...new Set(rows.map((r) => r.agencyId))])).map((a) => [a.id, a.name]));
      const weekEnds = Array.from({ length: weeks }, (_, i) => new Date(now.getTime() - (weeks - 1 - i) * 7 * DAY_MS).toISOString());
      const byAgency = new Map<string, number[]>();
      for (const r of rows) {
        const counts = byAgency.get(r.agencyId) ?? Array.from({ length: weeks }, () => 0);
        counts[weeks - 1 - r.week] = r.overdue;
        byAgency.set(r.agencyId, counts);
      }
      const series = [...byAgency.entries()]
        .map(([agencyId, counts]) => ({ agencyId, agencyName: names.get(agencyId) ?? agencyId, counts }))
        .sort((a, b) => (b.counts.at(-1) ?? 0) - (a.counts.at(-1) ?? 0) || a.agencyName.localeCompare(b.agencyName));
      return { weeks: weekEnds, series };
    });
  }

  /** Median and 90th percentile of days spent per step, per pathway, over the last year. */
  async stepDurations(actor: Actor, opts: { requestId?: string } = {}) {
    const now = this.clock.now();
    const since = new Date(now.getTime() - STEP_WINDOW_DAYS * DAY_MS);
    const visible = (first: number) => this.access.caseFilter(actor, 'c', first, 'all');
    return transaction(this.ds, async (db) => {
      const rows = await DashboardRepository.stepDurations(db, since, visible);
      await this.audit.record(db, actor, { action: 'dashboard.read', resource: 'dashboard', resourceId: 'step-durations', requestId: opts.requestId });
      const titles = this.titleCache();
      const items = [];
      for (const r of rows) {
        const t = await titles(r.pathway, r.version);
        items.push({
          pathway: r.pathway,
          pathwayTitle: t.pathway,
          state: r.state,
          stateId: t.stateId(r.state),
          stateTitle: t.state(r.state),
          medianDays: round1(r.medianDays),
          p90Days: round1(r.p90Days),
          samples: r.samples,
        });
      }
      return { since: since.toISOString(), items };
    });
  }
}
