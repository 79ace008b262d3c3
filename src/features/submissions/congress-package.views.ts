/**
 * The pages of a congress package (issue 16 item 6): the staff review of the package as one unit
 * (views/submissions/package-review.ejs) and what both sides show of it — the congress, the new leadership, the
 * leaders in office who end on the congress day, the minutes and the charter.
 */
import type { Request, Response } from 'express';
import { actorFromRequest } from '../../lib/auth-context.js';
import { translatorOf } from '../../lib/i18n.js';
import type { DocumentsService } from '../documents/documents.service.js';
import type { CatalogueOptions } from '../register-form/display.js';
import { CONGRESS_FIELDS, DOCUMENT_ROLES, NEW_LEADERS, packageDocuments, packageFromBody, packageTitle } from './congress-package.js';
import { PACKAGE_EVENT_LABELS, STATUS_LABELS, type SubmissionsService } from './submissions.service.js';

type ReviewData = Awaited<ReturnType<SubmissionsService['forReview']>>;

/** What the package partial (views/submissions/_package.ejs) is given besides the package itself. */
export function packageLocals(options: CatalogueOptions) {
  return {
    options,
    congressFields: CONGRESS_FIELDS,
    leaderList: NEW_LEADERS,
    roles: DOCUMENT_ROLES,
    statusLabels: STATUS_LABELS,
    eventLabels: PACKAGE_EVENT_LABELS,
  };
}

/** The staff's review page of a package: one unit, one decision (approve, return, reject) with a comment. */
export async function renderPackageReview(
  deps: { submissions: SubmissionsService; documents: DocumentsService },
  req: Request,
  res: Response,
  data: ReviewData,
  status: number,
  form: { errors?: Record<string, string>; body?: Record<string, unknown> } = {},
) {
  const { sub, full } = data;
  const pkg = packageFromBody(sub.body);
  // The new leadership is personal data (birth years, contacts): its view is audited (RELIABILITY check 30).
  if (pkg.leaders.length) await deps.submissions.recordPersonalDataView(actorFromRequest(req), sub.id, full.record.code);
  const waiting = sub.status === 'submitted' || sub.status === 'resubmitted';
  const posted = form.body ?? {};
  res.status(status).render('submissions/package-review', {
    title: translatorOf(req).t('submissions:packageReview.title', { id: sub.id }),
    sub,
    record: full.record,
    pkg,
    packageTitle: packageTitle(pkg),
    inOffice: waiting ? (full.lists.leaders ?? []).filter((l) => !l.left_on) : [],
    docs: packageDocuments(sub, await deps.documents.listForAssociation(sub.association_id)),
    items: data.items,
    invalid: data.errors,
    events: data.events,
    waiting,
    errors: form.errors ?? {},
    reviewComment: typeof posted.review_comment === 'string' ? posted.review_comment : '',
    ...packageLocals(data.options),
  });
}
