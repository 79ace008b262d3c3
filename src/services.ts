/** Composition root: repositories(db) → services(repos, config). */

import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { primaryOnly, type ReadRouter } from './db/read-router.js';
import { createAccessRepository } from './features/access/access.repository.js';
import { createAccessService } from './features/access/access.service.js';
import { createExploitationLogRepository } from './features/access/exploitation-log.repository.js';
import { createExploitationLogService } from './features/access/exploitation-log.service.js';
import { createApiKeysRepository } from './features/api-keys/api-keys.repository.js';
import { createApiKeysService } from './features/api-keys/api-keys.service.js';
import { createAssociationsRepository } from './features/associations/associations.repository.js';
import { createAssociationsService } from './features/associations/associations.service.js';
import { createAuditRepository } from './features/audit/audit.repository.js';
import { createAuditService } from './features/audit/audit.service.js';
import { createAuditLogRepository } from './features/audit/audit-log.repository.js';
import { createAuditLogService } from './features/audit/audit-log.service.js';
import { createAuthService } from './features/auth/auth.service.js';
import { createUsersRepository } from './features/auth/users.repository.js';
import { createCataloguesRepository } from './features/catalogues/catalogues.repository.js';
import { createCataloguesService } from './features/catalogues/catalogues.service.js';
import { createChartersRepository } from './features/charters/charters.repository.js';
import { createChartersService } from './features/charters/charters.service.js';
import { createDocumentsRepository } from './features/documents/documents.repository.js';
import { createDocumentsService } from './features/documents/documents.service.js';
import { createDocumentStorage } from './features/documents/documents.storage.js';
import { createFeesRepository } from './features/fees/fees.repository.js';
import { createFeesService } from './features/fees/fees.service.js';
import { createFollowsRepository } from './features/follows/follows.repository.js';
import { createFollowsService } from './features/follows/follows.service.js';
import { createGuideService } from './features/guide/guide.service.js';
import { createWorklist } from './features/home/worklist.js';
import { createWorklistRepository } from './features/home/worklist.repository.js';
import { createImportsRepository } from './features/imports/imports.repository.js';
import { createImportsService } from './features/imports/imports.service.js';
import { createIncidentsRepository } from './features/incidents/incidents.repository.js';
import { createIncidentsService } from './features/incidents/incidents.service.js';
import { createItCentreRepository } from './features/it-centre/it-centre.repository.js';
import { createItCentreService } from './features/it-centre/it-centre.service.js';
import { createAnnualReportRepository } from './features/jobs/annual-report.repository.js';
import { createCongressAlertsRepository } from './features/jobs/congress-alerts.repository.js';
import { createCyclesRepository } from './features/jobs/cycles.repository.js';
import { createJobsService } from './features/jobs/jobs.service.js';
import { createLegalDocumentsRepository } from './features/legal-documents/legal-documents.repository.js';
import { createLegalDocumentsService } from './features/legal-documents/legal-documents.service.js';
import { createNoticeEmailService } from './features/notifications/notice-email.service.js';
import { createNoticeMailRepository } from './features/notifications/notice-mail.repository.js';
import { createNotificationsRepository } from './features/notifications/notifications.repository.js';
import { createNotificationsService } from './features/notifications/notifications.service.js';
import { createPersonalDataRepository } from './features/personal-data/personal-data.repository.js';
import { createPersonalDataService } from './features/personal-data/personal-data.service.js';
import { createSubjectRepository } from './features/personal-data/personal-data.subject.repository.js';
import { createPublicRepository } from './features/public/public.repository.js';
import { createPublicService } from './features/public/public.service.js';
import { createIndexRepository } from './features/public/search/index.repository.js';
import { createSearchEngine } from './features/public/search/search-engine.js';
import { createQualityRepository } from './features/quality/quality.repository.js';
import { createQualityService } from './features/quality/quality.service.js';
import { createQualityReportRepository } from './features/quality/quality-report.repository.js';
import { createReportsRepository } from './features/reports/reports.repository.js';
import { createReportsService } from './features/reports/reports.service.js';
import { createSubmissionsRepository } from './features/submissions/submissions.repository.js';
import { createSubmissionsService } from './features/submissions/submissions.service.js';
import { createSupportRepository } from './features/support/support.repository.js';
import { createSupportService } from './features/support/support.service.js';
import { createViolationsRepository } from './features/violations/violations.repository.js';
import { createViolationsService } from './features/violations/violations.service.js';
import { createWithholdingsRepository } from './features/withholdings/withholdings.repository.js';
import { createJobsHealth } from './jobs/health.js';
import { createJobs } from './jobs/registry.js';
import { createJobRunner } from './jobs/runner.js';
import type { Clock } from './lib/clock.js';
import { vietnamToday } from './lib/format.js';
import { createMailer } from './lib/mailer.js';

export interface ServiceDeps {
  db: Knex;
  config: Readonly<Config>;
  clock: Clock;
  logger: Logger;
  /** Where the public pages, open data and reports read (db/read-router.ts); without it, the primary (`db`). */
  reads?: ReadRouter;
}

/** Personal-data requests (issue 17 item 1): its service with its two repositories. */
function personalDataService(deps: {
  db: Knex;
  audit: ReturnType<typeof createAuditService>;
  notifications: ReturnType<typeof createNotificationsService>;
  clock: Clock;
}) {
  return createPersonalDataService({ ...deps, repo: createPersonalDataRepository(deps.db), subjects: createSubjectRepository(deps.db) });
}

/**
 * The public pages' data: the repository, the in-process search index and the service over both. They read through
 * the read router (issue 19 item 2): the index and the data version it keeps, the same for every visitor, through
 * `shared`; the rest through `reads`, and a request of a user who has just written bypasses the caches and the index
 * (`fresh`) to read the primary. The index's pruning of the change log writes, so it runs on the primary.
 */
function publicServices({ db, config, clock, logger, reads }: ServiceDeps & { reads: ReadRouter }) {
  // Withholdings are in force by the app's clock (a Vietnamese calendar day) in the search as on the pages.
  const today = () => vietnamToday(clock.now());
  const publicRepo = createPublicRepository(reads.reads, today);
  const versionRepo = createPublicRepository(reads.shared, today);
  const indexRepo = { ...createIndexRepository(reads.shared, today), pruneChanges: createIndexRepository(db, today).pruneChanges };
  const publicSearch = createSearchEngine({ repo: indexRepo, readVersion: () => versionRepo.dataVersion(), logger }, config.publicIndex);
  const publicData = createPublicService({
    repo: publicRepo,
    regime: config.publicFieldsRegime,
    clock,
    cache: config.publicSearchCache,
    search: publicSearch,
    withholdings: createWithholdingsRepository(reads.reads),
    fresh: () => reads.requestNeedsPrimary(),
  });
  return { publicSearch, publicData };
}

/** The reports: their queries through the read router's `reads`; saved lists and audit rows on the primary. */
function reportsService(
  deps: Pick<ServiceDeps, 'db' | 'clock'> & {
    reads: ReadRouter;
    audit: ReturnType<typeof createAuditService>;
    catalogues: ReturnType<typeof createCataloguesService>;
  },
) {
  const { db, reads, audit, clock, catalogues } = deps;
  return createReportsService({
    db,
    readDb: reads.reads,
    repo: createReportsRepository(reads.reads),
    legalDocuments: createLegalDocumentsRepository(reads.reads),
    audit,
    clock,
    catalogues,
  });
}

export function createServices({ db, config, clock, logger, reads = primaryOnly(db) }: ServiceDeps) {
  const users = createUsersRepository(db);
  const audit = createAuditService(createAuditRepository(db));
  const auth = createAuthService({ db, users, audit, clock, config });
  const catalogues = createCataloguesService({ db, repo: createCataloguesRepository(db), audit, clock });
  const associationsRepo = createAssociationsRepository(db);
  const associations = createAssociationsService({ db, repo: associationsRepo, audit, clock, catalogues });
  const documentStorage = createDocumentStorage(config.uploads.dir);
  const notifications = createNotificationsService(createNotificationsRepository(db));
  const documents = createDocumentsService({
    db,
    repo: createDocumentsRepository(db),
    storage: documentStorage,
    audit,
    notifications,
    clock,
    logger,
  });
  const charters = createChartersService({ db, repo: createChartersRepository(db), storage: documentStorage, audit, clock, logger });
  const { publicSearch, publicData } = publicServices({ db, config, clock, logger, reads });
  const submissions = createSubmissionsService({
    db,
    repo: createSubmissionsRepository(db),
    associations,
    notifications,
    audit,
    clock,
    documents,
  });
  const imports = createImportsService({
    db,
    repo: createImportsRepository(db),
    associations,
    associationsRepo,
    storage: documentStorage,
    audit,
    clock,
    logger,
  });
  const guide = createGuideService(config.rootDir);
  const legalDocuments = createLegalDocumentsService({ db, repo: createLegalDocumentsRepository(db), audit, clock });
  const reports = reportsService({ db, clock, reads, audit, catalogues });
  const fees = createFeesService({ db, repo: createFeesRepository(db), audit, clock });
  const violations = createViolationsService({
    db,
    repo: createViolationsRepository(db),
    audit,
    clock,
    notifications,
    storage: documentStorage,
    logger,
  });
  const support = createSupportService({ db, repo: createSupportRepository(db), audit, clock, notifications });
  const access = createAccessService({ db, repo: createAccessRepository(db), users, audit, notifications, clock });
  const exploitationLog = createExploitationLogService({
    db,
    repo: createExploitationLogRepository(db),
    audit,
    clock,
    // Every fee-bearing export gets its ledger row in the log row's transaction.
    onExport: (trx, e) => fees.chargeExport(trx, e),
  });
  // API keys (issue 17 item 3): their scope is the organisation's effective access.
  const apiKeys = createApiKeysService({ db, repo: createApiKeysRepository(db), audit, clock, access });
  const mailer = createMailer(config.mail);
  const noticeMailRepo = createNoticeMailRepository(db);
  const noticeEmail = createNoticeEmailService({ db, repo: noticeMailRepo, audit, clock, secret: config.session.secret, mailer });
  const followsRepo = createFollowsRepository(db);
  const follows = createFollowsService({ db, repo: followsRepo, audit, clock });
  const followJobs = {
    repo: followsRepo,
    effectiveAccess: (userId: number) => access.effectiveAccess(userId),
    // The job reads the primary: a record published a moment ago must match (the replica may not have it yet).
    publicMatches: createPublicRepository(db, () => vietnamToday(clock.now())).matchingAmong,
  };
  const jobRunner = createJobRunner({
    db,
    config,
    clock,
    logger,
    jobs: createJobs({ db, config, clock, notifications, mailer, follows: followJobs }),
    notifications,
  });
  const jobsHealth = createJobsHealth({ runner: jobRunner, clock });
  const jobs = createJobsService({
    runner: jobRunner,
    cycles: createCyclesRepository(db),
    alerts: createCongressAlertsRepository(db),
    annual: createAnnualReportRepository(db),
    audit,
    clock,
  });
  const itCentre = createItCentreService({
    db,
    repo: createItCentreRepository(db),
    users,
    audit,
    clock,
    maxBackupAgeDays: config.backup.maxAgeDays,
  });
  const auditLog = createAuditLogService({ repo: createAuditLogRepository(db), audit });
  const qualityRepos = { repo: createQualityRepository(db), report: createQualityReportRepository(db) };
  const quality = createQualityService({ db, ...qualityRepos, audit, clock });
  const incidents = createIncidentsService({ db, repo: createIncidentsRepository(db), audit, notifications, clock });
  const personalData = personalDataService({ db, audit, notifications, clock });
  const worklist = createWorklist({ repo: createWorklistRepository(db), clock, personalDataOverdue: () => personalData.overdueCount() });
  return {
    reads,
    users,
    access,
    apiKeys,
    exploitationLog,
    audit,
    auditLog,
    auth,
    catalogues,
    associations,
    documentStorage,
    documents,
    charters,
    legalDocuments,
    reports,
    publicData,
    publicSearch,
    guide,
    notifications,
    noticeEmail,
    fees,
    follows,
    violations,
    support,
    submissions,
    mailer,
    jobs,
    jobsHealth,
    itCentre,
    incidents,
    imports,
    personalData,
    quality,
    worklist,
  };
}

export type Services = ReturnType<typeof createServices>;
