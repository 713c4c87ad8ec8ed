import { DemoSeedError, type DemoClient } from './demo-client.js';
import type { DemoAgencyKey } from './demo-partnership.js';

/** What the driver needs to act as the partnership's people. */
export interface DemoActors {
  client: DemoClient;
  agencyIds: Record<DemoAgencyKey, string>;
  /** The city's case manager. */
  caseManagerToken: string;
  /** A token for someone at the agency (its staff member; the case manager for the city). */
  tokenFor(agencyId: string): Promise<string>;
  /** Whether the running API has the conference endpoints (they arrived after the case API). */
  conferences: boolean;
}

interface OpenTask {
  id: string;
  taskKey: string;
  assigneeAgencyId: string | null;
}

/**
 * Drives one case through the public API the way the people of the partnership would: the case
 * manager opens it and sends events, each agency completes its own tasks.
 */
export class DemoCaseDriver {
  private constructor(
    private readonly a: DemoActors,
    readonly caseId: string,
    readonly reference: string,
  ) {}

  /** Opens a case led by the city; `participants` are `[agency, role]` pairs. */
  static async open(
    a: DemoActors,
    input: { subject: { name: string; dateOfBirth?: string }; participants: Array<[DemoAgencyKey, string]>; keyDates?: Record<string, string> },
  ): Promise<DemoCaseDriver> {
    const res = await a.client.call<{ id: string; reference: string }>('POST', '/api/cases', a.caseManagerToken, {
      subject: input.subject,
      leadAgencyId: a.agencyIds.city,
      participants: input.participants.map(([agency, role]) => ({ agencyId: a.agencyIds[agency], role })),
      ...(input.keyDates ? { keyDates: input.keyDates } : {}),
    });
    return new DemoCaseDriver(a, res.body.id, res.body.reference);
  }

  /** Whether conferences can be scheduled and attendance recorded on this server. */
  get hasConferences(): boolean {
    return this.a.conferences;
  }

  async startPathway(key: string): Promise<void> {
    await this.a.client.call('POST', `/api/cases/${this.caseId}/pathways`, this.a.caseManagerToken, { key });
  }

  /** Sends an event to the case's active instance of `pathway`, as the case manager. */
  async send(pathway: string, type: string, data?: Record<string, unknown>): Promise<void> {
    const instanceId = await this.activeInstance(pathway);
    await this.a.client.call('POST', `/api/cases/${this.caseId}/events`, this.a.caseManagerToken, { instanceId, type, ...(data ? { data } : {}) }, [200]);
  }

  /** Completes open tasks by key, each by someone at the agency it is assigned to. */
  async complete(taskKeys: string[], note = 'Done; details in our own system.'): Promise<void> {
    const open = await this.openTasks();
    for (const key of taskKeys) {
      const task = open.find((t) => t.taskKey === key);
      if (!task) throw new DemoSeedError(`case ${this.reference}: no open task '${key}' (open: ${open.map((t) => t.taskKey).join(', ') || 'none'})`);
      const token = task.assigneeAgencyId ? await this.a.tokenFor(task.assigneeAgencyId) : this.a.caseManagerToken;
      await this.a.client.call('POST', `/api/tasks/${task.id}/complete`, token, { outcome: 'done', note }, [200]);
    }
  }

  /** Completes every open task of the case that comes from a pathway state. */
  async completeAll(note?: string): Promise<void> {
    await this.complete((await this.openTasks()).map((t) => t.taskKey), note);
  }

  async setKeyDates(keyDates: Record<string, string | null>): Promise<void> {
    await this.a.client.call('PATCH', `/api/cases/${this.caseId}`, this.a.caseManagerToken, { keyDates }, [200]);
  }

  /**
   * Schedules a conference with the case's agencies; with `attended`, records who came (the meeting
   * took place). Does nothing, and answers false, when the API has no conference endpoints.
   */
  async conference(opts: { scheduledAt: string; location: string; agencies: DemoAgencyKey[]; attended?: DemoAgencyKey[]; minutes?: { text: string; decisions: string[]; actions: Array<{ title: string; agency: DemoAgencyKey; dueAt: string }> } }): Promise<boolean> {
    if (!this.a.conferences) return false;
    const ids = this.a.agencyIds;
    const created = await this.a.client.call<{ id: string }>('POST', `/api/cases/${this.caseId}/conferences`, this.a.caseManagerToken, {
      scheduledAt: opts.scheduledAt,
      durationMinutes: 90,
      location: opts.location,
      agencyIds: opts.agencies.map((k) => ids[k]),
    });
    const conferenceId = created.body.id;
    for (const agency of opts.agencies) {
      if (!opts.attended) break;
      const attended = opts.attended.includes(agency);
      await this.a.client.call('POST', `/api/conferences/${conferenceId}/attendance`, this.a.caseManagerToken, {
        agencyId: ids[agency],
        attended,
        ...(attended ? {} : { apologies: 'Sent apologies; written update provided.' }),
      });
    }
    if (opts.minutes) {
      await this.a.client.call('POST', `/api/conferences/${conferenceId}/minutes`, this.a.caseManagerToken, {
        text: opts.minutes.text,
        decisions: opts.minutes.decisions,
        actions: opts.minutes.actions.map((x) => ({ title: x.title, agencyId: ids[x.agency], dueAt: x.dueAt })),
      });
    }
    return true;
  }

  private async activeInstance(pathway: string): Promise<string> {
    const detail = await this.a.client.call<{ pathways: Array<{ instanceId: string; key: string; status: string }> }>(
      'GET', `/api/cases/${this.caseId}`, this.a.caseManagerToken, undefined, [200]);
    const instance = detail.body.pathways.find((p) => p.key === pathway && p.status === 'active');
    if (!instance) throw new DemoSeedError(`case ${this.reference}: no active '${pathway}' pathway`);
    return instance.instanceId;
  }

  /** Open pathway tasks (conference actions have no state and are left to the agencies). */
  private async openTasks(): Promise<OpenTask[]> {
    const res = await this.a.client.call<{ items: Array<OpenTask & { stateId: string | null }> }>(
      'GET', `/api/tasks?caseId=${this.caseId}&status=open&limit=200`, this.a.caseManagerToken, undefined, [200]);
    return res.body.items.filter((t) => t.stateId);
  }
}
