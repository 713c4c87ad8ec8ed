import type { ErasedCase } from '../api/types';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';

/**
 * What is left of a case whose personal data was erased (`eraseCaseData`): its reference and when
 * it was erased. Nothing about the person can be shown, so the page says so rather than break.
 */
export function ErasedCasePage({ erased }: { erased: Pick<ErasedCase, 'reference' | 'erasedAt'> }) {
  const { t, tx, date, dateTime } = useI18n();
  return (
    <>
      <div className="page-title">
        <PageHeading title={erased.reference}>{erased.reference}</PageHeading>
        <span className="tag status status-erased">{tx('status', 'erased')}</span>
      </div>
      <section className="card stack erased-case" aria-labelledby="erased-h">
        <h2 id="erased-h">{t('case.erasedTitle')}</h2>
        <p className="message message-warning">{t('case.erased', { date: date(erased.erasedAt) })}</p>
        <dl className="facts">
          <div>
            <dt>{t('case.reference')}</dt>
            <dd>{erased.reference}</dd>
          </div>
          <div>
            <dt>{t('case.erasedAt')}</dt>
            <dd>
              <time dateTime={erased.erasedAt}>{dateTime(erased.erasedAt)}</time>
            </dd>
          </div>
        </dl>
        <p>{t('case.erasedKept')}</p>
        <p>
          <Link to="/cases">{t('case.backToCases')}</Link>
        </p>
      </section>
    </>
  );
}
