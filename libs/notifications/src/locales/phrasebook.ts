import type { NotificationKind } from '../notification-kinds.js';

/**
 * What a phrase gets: our own strings only, already formatted for the reader. Dates are absent
 * when the caller had none, so each language words that case itself instead of printing a gap.
 */
export interface PhraseContext {
  caseReference: string;
  /** Task or conference title, already wrapped in the language's quotation marks. */
  title: string;
  /** Due date and time, formatted in the agency's zone and locale. */
  due?: string;
  /** Conference date and time, formatted in the agency's zone and locale. */
  when?: string;
}

export interface Phrase {
  subject: string;
  /** Paragraphs of the body, without the link and the footer. */
  body: string[];
}

/** One language's wording of every notification kind. */
export interface Phrasebook {
  /** Wraps a title in the language's quotation marks. */
  quote(title: string): string;
  kinds: Record<NotificationKind, (c: PhraseContext) => Phrase>;
  /** Separator after a label: ': ', or with a non-breaking space before it in French. */
  colon: string;
  /** Label in front of the link. */
  openLink: string;
  /** Label in front of the provenance ("why you receive this"). */
  reason: string;
  /** Reminds the reader that the content is behind the link, by design. */
  footer: string;
}
