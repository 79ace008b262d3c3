/** Composition root: repositories(db) → services(repos, config). */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createAssociationsRepository } from './features/associations/associations.repository.js';
import { createAssociationsService } from './features/associations/associations.service.js';
import { createAuditRepository } from './features/audit/audit.repository.js';
import { createAuditService } from './features/audit/audit.service.js';
import { createAuthService } from './features/auth/auth.service.js';
import { createUsersRepository } from './features/auth/users.repository.js';
import { createCataloguesRepository } from './features/catalogues/catalogues.repository.js';
import { createCataloguesService } from './features/catalogues/catalogues.service.js';
import { createDocumentsRepository } from './features/documents/documents.repository.js';
import { createDocumentsService } from './features/documents/documents.service.js';
import { createDocumentStorage } from './features/documents/documents.storage.js';
import { createGuideService } from './features/guide/guide.service.js';
import { createImportsRepository } from './features/imports/imports.repository.js';
import { createImportsService } from './features/imports/imports.service.js';
import { createLegalDocumentsRepository } from './features/legal-documents/legal-documents.repository.js';
import { createLegalDocumentsService } from './features/legal-documents/legal-documents.service.js';
import { createNotificationsService } from './features/notifications/notifications.service.js';
import { createPublicRepository } from './features/public/public.repository.js';
import { createPublicService } from './features/public/public.service.js';
import { createReportsRepository } from './features/reports/reports.repository.js';
import { createReportsService } from './features/reports/reports.service.js';
import type { Clock } from './lib/clock.js';

export interface ServiceDeps {
  db: Knex;
  config: Readonly<Config>;
  clock: Clock;
  logger: Logger;
}

export function createServices({ db, config, clock, logger }: ServiceDeps) {
  const users = createUsersRepository(db);
  const audit = createAuditService(createAuditRepository(db));
  const auth = createAuthService({ db, users, audit, clock, config });
  const catalogues = createCataloguesService({ db, repo: createCataloguesRepository(db), audit, clock });
  const associationsRepo = createAssociationsRepository(db);
  const associations = createAssociationsService({ db, repo: associationsRepo, audit, clock, catalogues });
  const documentStorage = createDocumentStorage(config.uploads.dir);
  const documents = createDocumentsService({ db, repo: createDocumentsRepository(db), storage: documentStorage, audit, clock, logger });
  const publicData = createPublicService({ repo: createPublicRepository(db), regime: config.publicFieldsRegime, clock });
  const notifications = createNotificationsService(db);
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
  const legalDocumentsRepo = createLegalDocumentsRepository(db);
  const legalDocuments = createLegalDocumentsService({ db, repo: legalDocumentsRepo, audit, clock });
  const reports = createReportsService({
    db,
    repo: createReportsRepository(db),
    legalDocuments: legalDocumentsRepo,
    audit,
    clock,
    catalogues,
  });
  return {
    users,
    audit,
    auth,
    catalogues,
    associations,
    documentStorage,
    documents,
    legalDocuments,
    reports,
    publicData,
    guide,
    notifications,
    imports,
  };
}

export type Services = ReturnType<typeof createServices>;
