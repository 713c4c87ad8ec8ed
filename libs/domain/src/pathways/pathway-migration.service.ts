import { Injectable, Logger } from '@nestjs/common';
import { Clock, DomainError, isConcurrencyFailure } from '#core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CompiledPathway } from '#engine';
import { AuditService } from '../audit/audit.service.js';
import { loadCaseContext } from '../cases/case-context.js';
import { transaction, type Db } from '../db.js';
import type { Actor } from '../identity/actor.js';
import { InstanceRepository } from '../instances/instance.repository.js';
import { ReminderWriter } from '../reminders/reminder-writer.js';
import { TaskWriter } from '../tasks/task-writer.js';
import { changesFor, type InstanceChanges } from './migration-changes.js';
import { loadHoldings } from './migration-instance-state.js';
import { refusedItem, type AppliedItem, type ApplyResult, type DryRunResult, type MigrationItem, type MigrationRequest } from './migration-types.js';
import { writeMigration } from './migration-writer.js';
import { PathwayCatalog, type PathwayVersion } from './pathway-catalog.service.js';

/** More than this per request: the administrator passes `instanceIds` in batches. */
export const MAX_INSTANCES_PER_REQUEST = 500;

interface Versions {
  from: PathwayVersion;
  to: PathwayVersion;
  toCompiled: CompiledPathway;
}

/** Thrown to roll back a dry run's rehearsal, carrying what it found. */
class Rehearsal extends Error {
  constructor(readonly item: MigrationItem) {
    super('migration dry run: rolled back');
    this.name = 'Rehearsal';
  }
}

/**
 * Moves running instances of a pathway from one version to another (forward or back), one
 * transaction per instance. A dry run rehearses exactly what apply does, in a transaction that is
 * always rolled back, so its lists are what apply would write at that moment. A state that the
 * target version does not have is never dropped: the instance is refused until a mapping names
 * where it goes.
 */
@Injectable()
export class PathwayMigrationService {
  private readonly logger = new Logger('pathway-migration');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly catalog: PathwayCatalog,
    private readonly tasks: TaskWriter,
    private readonly reminders: ReminderWriter,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Instances of a pathway by version and status (default: the running ones), and how many run on each version. */
  async instances(key: string, q: { status: 'active' | 'done' | 'cancelled'; version?: number; limit: number; offset: number }, actor?: Actor) {
    const [items, byVersion] = await Promise.all([
      InstanceRepository.listOfPathway(this.ds.manager, key, q),
      InstanceRepository.activeCountsByVersion(this.ds.manager, key),
    ]);
    // The list names cases (reference and state): one audit entry per case shown, in one insert.
    if (actor) await this.audit.recordListRead(this.ds.manager, actor, 'instance.list', 'instance', items.map((i) => ({ caseId: i.caseId, id: i.instanceId })));
    return { items, byVersion };
  }

  /** What migrating each instance would do, changing nothing. A draft may be the target, to try it before publishing. */
  async dryRun(key: string, req: MigrationRequest, actor: Actor): Promise<DryRunResult> {
    const versions = await this.versions(key, req, { allowDraftTarget: true });
    const ids = await this.targets(key, req);
    const items: MigrationItem[] = [];
    for (const id of ids) {
      try {
        await transaction(this.ds, async (tx) => {
          throw new Rehearsal(await this.migrateOne(tx, key, id, req, versions, actor));
        });
      } catch (error) {
        items.push(error instanceof Rehearsal ? error.item : this.failure(id, req, error));
      }
    }
    const ok = items.filter((i) => i.ok).length;
    return { key, fromVersion: req.fromVersion, toVersion: req.toVersion, items, summary: { instances: items.length, ok, blocked: items.length - ok } };
  }

  /**
   * Migrates each instance in its own transaction: an instance whose plan is not ok (a stranded
   * state, an unknown mapping, a concurrent change) is refused and left exactly as it was; the
   * others are applied. Audited per instance (`pathway.migrate`) and per request (`pathway.migration`).
   */
  async apply(key: string, req: MigrationRequest, actor: Actor): Promise<ApplyResult> {
    if (!req.instanceIds?.length && !req.all) {
      throw new DomainError('bad_request', 'Name the instances to migrate (instanceIds), or pass all: true to migrate every running instance of the version', {
        errors: [{ path: '$.instanceIds', message: 'required unless all is true' }],
      });
    }
    const versions = await this.versions(key, req, { allowDraftTarget: false });
    const ids = await this.targets(key, req);
    const items: AppliedItem[] = [];
    for (const id of ids) {
      try {
        const item = await transaction(this.ds, async (tx) => {
          const result = await this.migrateOne(tx, key, id, req, versions, actor, true);
          if (!result.ok || !('revision' in result)) return { ...result, applied: false, revision: null };
          return { ...result, applied: true };
        });
        items.push(item);
      } catch (error) {
        items.push({ ...this.failure(id, req, error), applied: false, revision: null });
      }
    }
    const applied = items.filter((i) => i.applied).length;
    await this.audit.record(this.ds.manager, actor, {
      action: 'pathway.migration',
      resource: 'pathway',
      resourceId: key,
      detail: {
        key,
        fromVersion: req.fromVersion,
        toVersion: req.toVersion,
        mapping: req.mapping ?? {},
        applied: items.filter((i) => i.applied).map((i) => i.instanceId),
        refused: items.filter((i) => !i.applied).map((i) => i.instanceId),
      },
    });
    return { key, fromVersion: req.fromVersion, toVersion: req.toVersion, items, summary: { instances: items.length, applied, refused: items.length - applied } };
  }

  /**
   * Plans one instance against its current state (row locked) and, when the plan is ok, writes it.
   * The dry run writes too, inside the transaction it then rolls back.
   */
  private async migrateOne(
    tx: Db,
    key: string,
    instanceId: string,
    req: MigrationRequest,
    versions: Versions,
    actor: Actor,
    audited = false,
  ): Promise<MigrationItem | (MigrationItem & { revision: number })> {
    const row = await InstanceRepository.get(tx, instanceId, { lock: true });
    if (!row || row.pathwayKey !== key) return refusedItem(instanceId, req, [`no running instance of '${key}' has id ${instanceId}`]);
    const ctx = (await loadCaseContext(tx, row.caseId))!;
    const caseRow = { id: ctx.case.id, reference: ctx.case.reference };
    if (row.status !== 'active') return refusedItem(instanceId, req, [`the instance is ${row.status}: only active instances are migrated`], caseRow);
    if (row.version !== req.fromVersion) {
      return refusedItem(instanceId, req, [`the instance is on version ${row.version}, not ${req.fromVersion}`], caseRow);
    }
    const holdings = await loadHoldings(tx, row.id);
    const mapping = req.mapping ?? {};
    const now = this.clock.now();
    const changes = changesFor({
      from: versions.from.definition,
      to: versions.to.definition,
      stateValue: row.stateValue,
      holdings,
      mapping,
      now,
      keyDates: ctx.case.keyDates ?? {},
      versions: { from: req.fromVersion, to: req.toVersion },
    });
    const item = this.itemOf(instanceId, caseRow, req, changes);
    if (!changes.ok) return item;
    const written = await writeMigration(
      tx,
      { tasks: this.tasks, reminders: this.reminders },
      { row, ctx, holdings, changes, from: versions.from.definition, to: versions.toCompiled, toVersion: req.toVersion, mapping, actor, now },
    );
    if (audited) {
      await this.audit.record(tx, actor, {
        action: 'pathway.migrate',
        caseId: ctx.case.id,
        resource: 'instance',
        resourceId: row.id,
        detail: {
          key,
          fromVersion: req.fromVersion,
          toVersion: req.toVersion,
          mapping,
          revision: written.revision,
          from: row.stateValue,
          to: changes.plan.targetStateValue,
          counts: {
            tasksClosed: item.tasksToClose.length,
            tasksOpened: item.tasksToOpen.length,
            tasksKept: item.tasksKept.length,
            timersCancelled: item.timersToCancel.length,
            timersSet: item.timersToSet.length,
            remindersCancelled: item.remindersToCancel.length,
            remindersAdded: written.remindersToAdd.length,
          },
        },
      });
    }
    return { ...item, remindersToAdd: written.remindersToAdd, revision: written.revision };
  }

  private itemOf(instanceId: string, caseRow: { id: string; reference: string }, req: MigrationRequest, c: InstanceChanges): MigrationItem {
    const strip = <T extends { spec: unknown }>({ spec: _spec, ...rest }: T) => rest;
    return {
      instanceId,
      caseId: caseRow.id,
      caseReference: caseRow.reference,
      fromVersion: req.fromVersion,
      toVersion: req.toVersion,
      ok: c.ok,
      fromStates: c.plan.fromStates,
      toStates: c.plan.toStates,
      stateMapping: c.plan.stateMapping,
      tasksToClose: c.tasksToClose,
      tasksToOpen: c.tasksToOpen.map(strip),
      tasksKept: c.tasksKept.map(strip),
      timersToCancel: c.timersToCancel,
      timersToSet: c.timersToSet,
      timersKept: c.timersKept,
      remindersToCancel: c.remindersToCancel,
      remindersToAdd: [],
      errors: c.errors,
      warnings: c.warnings,
    };
  }

  /** An instance that failed unexpectedly is reported, not allowed to hide the others' results. */
  private failure(instanceId: string, req: MigrationRequest, error: unknown): MigrationItem {
    if (error instanceof DomainError) return refusedItem(instanceId, req, [error.detail]);
    // Timers, events and migrations all lock the instance before its rows; should PostgreSQL still
    // give up on a lock cycle, the instance's transaction rolled back whole and may be retried.
    if (isConcurrencyFailure(error)) {
      return refusedItem(instanceId, req, ['another change to this instance happened at the same moment; nothing was changed: run the migration again']);
    }
    this.logger.error({ instanceId, err: { type: (error as Error)?.name, message: (error as Error)?.message } }, 'migrating an instance failed');
    return refusedItem(instanceId, req, ['the migration of this instance failed unexpectedly and changed nothing (see the server log)']);
  }

  private async versions(key: string, req: MigrationRequest, opts: { allowDraftTarget: boolean }): Promise<Versions> {
    if (req.fromVersion === req.toVersion) {
      throw new DomainError('unprocessable', 'fromVersion and toVersion are the same version', {
        errors: [{ path: '$.toVersion', message: 'must differ from fromVersion' }],
      });
    }
    const from = await this.catalog.version(key, req.fromVersion);
    const to = await this.catalog.version(key, req.toVersion);
    if (to.status === 'draft' && !opts.allowDraftTarget) {
      throw new DomainError('unprocessable', `Version ${req.toVersion} of '${key}' is a draft: publish it before migrating instances to it (a dry run may target a draft)`, {
        errors: [{ path: '$.toVersion', message: 'is a draft' }],
      });
    }
    return { from, to, toCompiled: await this.catalog.compiledVersion(key, req.toVersion) };
  }

  /** The instances a request names, or every active instance of `fromVersion`. */
  private async targets(key: string, req: MigrationRequest): Promise<string[]> {
    let ids: string[];
    if (req.instanceIds?.length) {
      ids = [...new Set(req.instanceIds)];
    } else {
      ids = await InstanceRepository.activeIdsOnVersion(this.ds.manager, key, req.fromVersion, MAX_INSTANCES_PER_REQUEST + 1);
    }
    if (ids.length > MAX_INSTANCES_PER_REQUEST) {
      throw new DomainError(
        'unprocessable',
        `More than ${MAX_INSTANCES_PER_REQUEST} instances: migrate them in batches by passing instanceIds`,
        { errors: [{ path: '$.instanceIds', message: `at most ${MAX_INSTANCES_PER_REQUEST}` }] },
      );
    }
    return ids;
  }
}
