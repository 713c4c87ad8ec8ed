import { describe, expect, it } from '@jest/globals';
import { describeWhy, humanDuration } from '../../../libs/notifications/src/why/describe-why.js';
import { SUPPORTED_LOCALES } from '../../../libs/notifications/src/templates.js';

describe('why a notification was sent, per language', () => {
  const rule = { source: 'task', pathway: 'referral', version: 1, state: 'screening', task: 'risk', offset: '-P3D' };

  it('keeps the English sentence the API has always given', () => {
    expect(describeWhy('reminder', 'Submit risk assessment', rule)).toBe("Reminder 3 days before the due date of 'Submit risk assessment' (referral v1, state screening)");
    expect(describeWhy('escalation', 'X', { ...rule, offset: 'P2D' })).toBe("Escalation: 'X' was still open 2 days after its due date (referral v1, state screening)");
  });

  it('words every kind in each language, with its own durations and quotation marks', () => {
    expect(describeWhy('reminder', 'Lämna rapport', rule, 'sv')).toBe('Påminnelse 3 dygn före tidsfristen för ”Lämna rapport” (referral v1, steg screening)');
    expect(humanDuration('PT30S', 'de')).toBe('30 Sekunden');
    for (const locale of SUPPORTED_LOCALES) {
      for (const kind of ['reminder', 'overdue', 'escalation', 'task_assigned', 'conference_invitation', 'conference_changed']) {
        const sentence = describeWhy(kind, 'T', { ...rule, offset: kind === 'reminder' ? '-P1D' : 'P1D' }, locale);
        expect(sentence.length).toBeGreaterThan(10);
        if (locale !== 'en') expect(sentence).not.toBe(describeWhy(kind, 'T', { ...rule, offset: kind === 'reminder' ? '-P1D' : 'P1D' }, 'en'));
      }
    }
  });
});
