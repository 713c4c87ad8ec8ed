// Which details a person is asked for when sending a known event. Field names match what the
// shipped pathways record (their `recordData` fields and `dataEquals`/`dataPresent` guards);
// anything else can still be given in the generic "other details" editor.

export type HintKind = 'text' | 'textarea' | 'date' | 'checkbox' | 'select';

export interface HintField {
  name: string;
  kind: HintKind;
  options?: string[];
  required?: boolean;
}

const BASES = ['consent', 'public_task', 'substantial_public_interest'];

export const EVENT_HINTS: Record<string, HintField[]> = {
  ACCEPT: [
    { name: 'acceptanceReason', kind: 'textarea' },
    { name: 'inCustody', kind: 'checkbox' },
    { name: 'lawfulBasis', kind: 'select', options: BASES },
  ],
  REQUEST_INFORMATION: [{ name: 'question', kind: 'textarea', required: true }],
  REJECT: [
    { name: 'reason', kind: 'textarea', required: true },
    { name: 'signpostedTo', kind: 'text' },
  ],
  MARK_REPEAT: [{ name: 'previousCaseReference', kind: 'text', required: true }],
  RECORD_BASIS: [
    { name: 'basis', kind: 'select', options: BASES, required: true },
    { name: 'consentRecordedAt', kind: 'date' },
    { name: 'rationale', kind: 'textarea' },
  ],
  NO_BASIS: [{ name: 'rationale', kind: 'textarea', required: true }],
  WITHDRAW: [{ name: 'reason', kind: 'textarea', required: true }],
  CLOSURE_AGREED: [
    { name: 'rationale', kind: 'textarea' },
    { name: 'exitDate', kind: 'date' },
  ],
  CLOSURE_NOT_AGREED: [{ name: 'rationale', kind: 'textarea' }],
  CONCERN_RAISED: [{ name: 'concern', kind: 'textarea', required: true }],
  RECORDS_DELETED: [{ name: 'deletedOn', kind: 'date', required: true }],
  PLAN_SIGNED_OFF: [{ name: 'planSummary', kind: 'textarea' }],
  RELEASED: [
    { name: 'releasedOn', kind: 'date' },
    { name: 'releaseAddress', kind: 'text' },
  ],
  REVIEW_NOW: [{ name: 'reason', kind: 'textarea' }],
  CONTINUE: [{ name: 'rationale', kind: 'textarea' }],
  ESCALATE: [{ name: 'rationale', kind: 'textarea', required: true }],
  STEP_DOWN: [{ name: 'rationale', kind: 'textarea' }],
};

/** The fields to offer for an event type; an unknown event gets none (the generic editor only). */
export function hintsFor(type: string): HintField[] {
  return EVENT_HINTS[type] ?? [];
}
