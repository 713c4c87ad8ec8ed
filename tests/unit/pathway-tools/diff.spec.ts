import { describe, expect, it } from '@jest/globals';
import { diffDefinitions, formatDiff } from '../../../libs/pathway-tools/src/index.js';
import { referralV1, referralV2 } from './fixtures.js';

describe('diffDefinitions', () => {
  const diff = diffDefinitions(referralV1(), referralV2());

  it('finds nothing between a definition and itself', () => {
    const same = diffDefinitions(referralV1(), referralV1());
    expect(same.identical).toBe(true);
    expect(formatDiff(same)).toBe('(no changes)');
  });

  it('lists added, removed and changed states by their path', () => {
    expect(diff.identical).toBe(false);
    const byId = Object.fromEntries(diff.states.map((s) => [s.stateId, s]));
    expect(byId['screening.legacy']).toMatchObject({ kind: 'removed', title: 'Legacy check' });
    expect(byId['screening.triage']).toMatchObject({ kind: 'added', title: 'Triage' });
    expect(byId['planning.signoff']).toMatchObject({ kind: 'added', title: 'Plan sign-off' });
    expect(byId['screening']).toMatchObject({
      kind: 'changed',
      changes: [{ field: 'title', from: 'Screening', to: 'Initial screening' }],
    });
    expect(byId['planning']!.changes).toEqual(
      expect.arrayContaining([
        { field: 'type', from: 'atomic', to: 'compound' },
        { field: 'initial', from: null, to: 'draft' },
      ]),
    );
    expect(byId['closed']).toBeUndefined();
  });

  it('lists transitions whose target or roles changed, and added ones', () => {
    const submit = diff.transitions.find((t) => t.stateId === 'screening' && t.event === 'SUBMIT');
    expect(submit).toMatchObject({ kind: 'changed', changes: [{ field: 'meta.roles', from: ['case_manager'], to: ['case_manager', 'admin'] }] });
    const check = diff.transitions.find((t) => t.stateId === 'screening.intake' && t.event === 'CHECK');
    expect(check?.changes).toEqual([{ field: 'target', from: 'legacy', to: 'triage' }]);
    expect(diff.transitions).toContainEqual(
      expect.objectContaining({ kind: 'added', stateId: 'planning.draft', event: 'READY', targets: ['signoff'] }),
    );
  });

  it('lists after timers apart from transitions', () => {
    expect(diff.timers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'removed', stateId: 'screening', delay: 'P30D' }),
        expect.objectContaining({ kind: 'added', stateId: 'screening', delay: 'P21D', targets: ['closed'] }),
        expect.objectContaining({ kind: 'changed', stateId: 'screening.intake', delay: 'P2D', changes: [{ field: 'target', from: 'legacy', to: 'triage' }] }),
      ]),
    );
    expect(diff.transitions.some((t) => t.event.startsWith('after'))).toBe(false);
  });

  it('lists tasks added and removed, and each changed field of a task', () => {
    expect(diff.tasks).toContainEqual(expect.objectContaining({ kind: 'added', stateId: 'screening.intake', taskKey: 'id-check' }));
    expect(diff.tasks).toContainEqual(expect.objectContaining({ kind: 'added', stateId: 'planning.signoff', taskKey: 'sign' }));
    const risk = diff.tasks.find((t) => t.taskKey === 'risk-report');
    expect(risk?.changes).toEqual([
      { field: 'due', from: 'P14D', to: 'P10D' },
      { field: 'reminders', from: ['-P3D', 'P0D'], to: ['-P2D', 'P0D'] },
    ]);
    const v2 = referralV2();
    const screening = (v2.machine.states as Record<string, { meta: { tasks: Array<Record<string, unknown>> } }>).screening!;
    screening.meta.tasks[0] = {
      ...screening.meta.tasks[0],
      assignee: { role: 'police' },
      escalation: { after: 'P2D', to: { role: 'coordinator' } },
    };
    const fields = diffDefinitions(referralV1(), v2).tasks.find((t) => t.taskKey === 'risk-report')!.changes.map((c) => c.field);
    expect(fields).toEqual(['assignee', 'due', 'reminders', 'escalation']);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(diff))).toEqual(diff);
  });
});

describe('formatDiff', () => {
  it('prints one readable line per change', () => {
    const text = formatDiff(diffDefinitions(referralV1(), referralV2()));
    const lines = text.split('\n');
    expect(lines).toContain('+ state planning.signoff "Plan sign-off"');
    expect(lines).toContain('- state screening.legacy "Legacy check"');
    expect(lines).toContain('~ state screening title "Screening" → "Initial screening"');
    expect(lines).toContain('~ state planning type atomic → compound');
    expect(lines).toContain('~ task screening/risk-report due P14D → P10D');
    expect(lines).toContain('~ task screening/risk-report reminders [-P3D, P0D] → [-P2D, P0D]');
    expect(lines).toContain('+ task screening.intake/id-check "Check identity"');
    expect(lines).toContain('- timer screening after P30D → closed');
    expect(lines).toContain('+ timer screening after P21D → closed');
    expect(lines).toContain('~ transition screening.intake on CHECK target legacy → triage');
    expect(lines).toContain('~ transition screening on SUBMIT meta.roles [case_manager] → [case_manager, admin]');
    expect(lines).toContain('+ transition planning.draft on READY → signoff');
  });

  it('spells out due dates relative to key dates and shows guards of new transitions', () => {
    const v1 = referralV1();
    const v2 = referralV1();
    const planning = (v2.machine.states as Record<string, Record<string, unknown>>).planning!;
    (planning.meta as { tasks: Array<Record<string, unknown>> }).tasks[0]!.due = { before: 'releaseDate', offset: 'P6M' };
    planning.on = { AGREE: 'closed', ABANDON: { target: 'closed', guard: { type: 'keyDateSet', params: { name: 'releaseDate' } } } };
    const lines = formatDiff(diffDefinitions(v1, v2)).split('\n');
    expect(lines).toContain('~ task planning/plan due P10D → P6M before releaseDate');
    expect(lines).toContain('+ transition planning on ABANDON → closed [guard keyDateSet{"name":"releaseDate"}]');
  });
});
