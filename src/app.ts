/**
 * createApp(): the middleware stack and the feature routers, read top to bottom. It never listens;
 * cli/start.ts and the tests build it with their own database.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Router } from 'express';
import session from 'express-session';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { pendingAcquires } from './db/knex.js';
import { createAccessController } from './features/access/access.controller.js';
import { loadEffectiveAccess } from './features/access/access.middleware.js';
import { accessRoutes } from './features/access/routes.js';
import { createApiController, rateLimitKeyOf } from './features/api-keys/api.controller.js';
import { createApiKeysController } from './features/api-keys/api-keys.controller.js';
import { apiKeysRoutes, apiRoutes } from './features/api-keys/routes.js';
import { createAssociationsController } from './features/associations/associations.controller.js';
import { associationsRoutes, viewAsRoutes } from './features/associations/routes.js';
import { createViewAsController } from './features/associations/view-as.controller.js';
import { createAuthController } from './features/auth/auth.controller.js';
import { createPassport } from './features/auth/passport.js';
import { authRoutes } from './features/auth/routes.js';
import { createCataloguesController } from './features/catalogues/catalogues.controller.js';
import { catalogueNamesInEnglish } from './features/catalogues/english-names.js';
import { catalogueRoutes } from './features/catalogues/routes.js';
import { chartersRoutes } from './features/charters/routes.js';
import { createDocumentsController } from './features/documents/documents.controller.js';
import { documentsRoutes } from './features/documents/routes.js';
import { createFeesController } from './features/fees/fees.controller.js';
import { feesRoutes } from './features/fees/routes.js';
import { createFollowsController } from './features/follows/follows.controller.js';
import { followsRoutes } from './features/follows/routes.js';
import { createGuideController } from './features/guide/guide.controller.js';
import { guideRoutes } from './features/guide/routes.js';
import { healthRoutes, metricsRoutes } from './features/health/routes.js';
import { homeRoutes } from './features/home/routes.js';
import { createImportsController } from './features/imports/imports.controller.js';
import { importsRoutes } from './features/imports/routes.js';
import { createIncidentsController } from './features/incidents/incidents.controller.js';
import { incidentsRoutes } from './features/incidents/routes.js';
import { createAuditLogController } from './features/it-centre/audit-log.controller.js';
import { createItCentreController } from './features/it-centre/it-centre.controller.js';
import { itCentreRoutes } from './features/it-centre/routes.js';
import { createJobsController } from './features/jobs/jobs.controller.js';
import { jobsRoutes } from './features/jobs/routes.js';
import { createLegalDocumentsController } from './features/legal-documents/legal-documents.controller.js';
import { legalDocumentsRoutes } from './features/legal-documents/routes.js';
import { createNoticeEmailController } from './features/notifications/notice-email.controller.js';
import { createNotificationsController } from './features/notifications/notifications.controller.js';
import { notificationsRoutes } from './features/notifications/routes.js';
import { createPersonalDataController } from './features/personal-data/personal-data.controller.js';
import { personalDataRoutes } from './features/personal-data/routes.js';
import { createPublicController } from './features/public/public.controller.js';
import { anonymousPublicRoutes, publicRoutes } from './features/public/routes.js';
import { createQualityController } from './features/quality/quality.controller.js';
import { qualityRoutes } from './features/quality/routes.js';
import { createReportsController } from './features/reports/reports.controller.js';
import { reportsRoutes } from './features/reports/routes.js';
import { submissionsRoutes } from './features/submissions/routes.js';
import { createSubmissionsController } from './features/submissions/submissions.controller.js';
import { supportRoutes } from './features/support/routes.js';
import { createSupportController } from './features/support/support.controller.js';
import { violationsRoutes } from './features/violations/routes.js';
import { createViolationsController } from './features/violations/violations.controller.js';
import type { Clock } from './lib/clock.js';
import { paths } from './lib/urls.js';
import { createHttpLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createAnonymousPages, type PageCacheStats } from './middleware/anonymous-pages.js';
import { publicAccess } from './middleware/auth.js';
import { createCsrf } from './middleware/csrf.js';
import { errorHandler, notFound } from './middleware/errors.js';
import { languageRoutes } from './middleware/language.js';
import { locals } from './middleware/locals.js';
import { inFlightLimiter } from './middleware/overload.js';
import { rejectPollutedParameters } from './middleware/parameters.js';
import { apiKeyRateLimiter, type LimiterDeps, loginRateLimiter, registrationRateLimiter } from './middleware/rateLimit.js';
import { createRateLimitStores, type RateLimitStores } from './middleware/rateLimitStore.js';
import { readAfterWrite } from './middleware/read-after-write.js';
import { cspNonce, noStoreWhenAuthenticated, securityHeaders, staticSecurityHeaders } from './middleware/security.js';
import { createSessionMiddleware, KnexSessionStore, saveSessionBeforeRedirect } from './middleware/session.js';
import { forcePasswordChange, sessionTimeouts } from './middleware/sessionPolicy.js';
import { createViewEngine } from './middleware/templates.js';
import type { Services } from './services.js';

export const APP_NAME = 'Cơ sở dữ liệu hội và tổ chức phi chính phủ';

export interface AppDeps {
  config: Readonly<Config>;
  db: Knex;
  services: Services;
  logger: Logger;
  clock: Clock;
  /** Extra routes mounted after the feature routers (tests only: e.g. a handler that throws). */
  extraRoutes?: Router;
}

export interface App extends Express {
  locals: Express['locals'] & { sessionStore: session.Store; rateLimitStores: RateLimitStores; publicPages: PageCacheStats };
}

/** Our own static files and the vendored copies from node_modules (no CDN on the intranet). */
function staticAssets(config: Config): express.Router {
  const staticOptions = { index: false, fallthrough: true, maxAge: config.isProduction ? '7d' : 0 } as const;
  const r = express.Router();
  r.use('/static/vendor/bootstrap', express.static(path.join(config.rootDir, 'node_modules/bootstrap/dist'), staticOptions));
  r.use('/static/vendor/chartjs', express.static(path.join(config.rootDir, 'node_modules/chart.js/dist'), staticOptions));
  r.use('/static', express.static(path.join(config.rootDir, 'public'), staticOptions));
  // Browsers ask for /favicon.ico on every page whatever the <link>: served from public/, cached for a day.
  const favicon = path.join(config.rootDir, 'public/favicon.ico');
  r.get('/favicon.ico', publicAccess, (_req, res, next) => {
    res.sendFile(favicon, { maxAge: '1d', headers: { 'Content-Type': 'image/x-icon' } }, (err) => {
      if (err) next(err);
    });
  });
  return r;
}

export function createApp({ config, db, services, logger, clock, extraRoutes }: AppDeps): App {
  const app = express() as App;
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  const viewsDir = path.join(config.rootDir, 'views');
  app.set('views', viewsDir);
  app.set('view engine', 'ejs');
  // Templates compiled once, includes resolved without file-system checks (src/middleware/templates.ts); development
  // recompiles on every render so an edited view shows at once.
  const views = createViewEngine({ root: viewsDir, cache: config.env !== 'development' });
  app.engine('ejs', views.express);
  if (config.env !== 'development') app.enable('view cache');
  // Error pages render even when the request failed before the locals middleware ran (bad CSRF token, body too large).
  app.locals.appName = APP_NAME;

  const metrics = createMetrics(db);
  const store = config.session.store === 'memory' ? new session.MemoryStore() : new KnexSessionStore(db, config.session.idleMs, logger);
  app.locals.sessionStore = store;
  const limits = rateLimiters(config, db, clock, logger);
  app.locals.rateLimitStores = limits.stores;
  const passport = createPassport(services.users);
  // One POST without the session's token: an e-mail's one-click unsubscribe (RFC 8058), whose signed token is the proof.
  const exempt = (req: Request) => req.method === 'POST' && req.path === paths.notifications.unsubscribe();
  const csrf = createCsrf({ secret: config.session.secret, secureCookie: config.session.secureCookie, exempt });
  const limiter = inFlightLimiter({
    max: config.maxInFlight,
    logger,
    onShed: () => metrics.shed.inc(),
    poolQueue: () => pendingAcquires(db),
    maxPoolQueue: config.database.maxQueue,
    deadlineMs: config.requestDeadlineMs,
  });
  metrics.trackInFlight(limiter.inFlight);
  metrics.trackJobs({ jobs: services.jobsHealth.view, backup: services.itCentre.backupStatus });
  const publicController = createPublicController(services.publicData, config.publicUrl);

  // 0. Anonymous public pages (issue 13): /, /hoi, /hoi/:code and /linh-vuc for a request without a session cookie,
  // before everything below, from the rendered-page cache (PUBLIC_PAGE_CACHE_MB), with the same security headers
  // (static CSP: these pages have no inline script or style) and a slot of the in-flight limiter. Anything else
  // continues down the stack. See src/middleware/anonymous-pages.ts.
  const publicPages = createAnonymousPages({
    engine: views,
    appName: APP_NAME,
    version: () => services.publicData.dataVersion(),
    cache: config.publicPageCache,
    securityHeaders: staticSecurityHeaders(config.isProduction),
    limiter,
    logger,
    registry: metrics.registry,
  });
  app.locals.publicPages = publicPages.stats;
  app.use(anonymousPublicRoutes(publicController, publicPages));
  // A repeat of such a page already in memory is answered before Express sets the request up at all (its prototype
  // switch and router walk cost several times the sending of a cached page). Express calls `app.handle` for every
  // request; should a later Express stop doing so, this is skipped and the route above still answers from memory.
  type Handle = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => void;
  const expressApp = app as unknown as { handle: Handle };
  const handle = expressApp.handle.bind(app);
  expressApp.handle = (req, res, next) => {
    if (!publicPages.fromMemory(req, res, () => handle(req, res, next))) handle(req, res, next);
  };

  // 1. Request id and structured log, metrics.
  app.use(createHttpLogger(logger));
  app.use(metrics.middleware);
  // 2. Security headers on every response, static files included.
  app.use(cspNonce());
  app.use(securityHeaders(config.isProduction));
  // 3. Static assets: our own and vendored copies from node_modules (no CDN on the intranet); the language switch.
  app.use(staticAssets(config), languageRoutes({ secureCookies: config.session.secureCookie }));
  // 4. Health probes answer before sessions are touched.
  app.use(healthProbes(db, services, metrics));
  // 4b. Load shedding (RELIABILITY check 41): past MAX_IN_FLIGHT requests in flight, 503 + Retry-After at once,
  // before any body parsing or session read; static files and health probes above are never refused.
  app.use(limiter.middleware);
  // 4c. The data API (issue 17 item 3): a bearer key per call, GET only, JSON; before the session, so no cookie.
  app.use('/api/v1', dataApi(services, limits.apiKey));
  // 5. Body, session, passport, CSRF.
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 }));
  app.use(rejectPollutedParameters());
  app.use(createSessionMiddleware(config, store));
  app.use(saveSessionBeforeRedirect());
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(csrf.csrfSynchronisedProtection);
  app.use(sessionTimeouts(config, clock, services.audit));
  app.use(forcePasswordChange());
  app.use(readAfterWrite(services.reads, clock)); // with a read replica: a user's reads after their write (issue 19)
  // The grant in force for org_manager / exploiter, read from the database on every request.
  app.use(loadEffectiveAccess(services.access));
  app.use(noStoreWhenAuthenticated());
  app.use(locals(csrf, APP_NAME), catalogueNamesInEnglish(services.catalogues, logger));
  const notificationsController = createNotificationsController({ notifications: services.notifications, clock });
  app.use(notificationsController.unreadBadge);
  // The "Theo dõi" button's state on the record pages (features/follows): signed-in GETs of those pages only.
  const followsController = createFollowsController({ follows: services.follows });
  app.use(followsController.pageState);
  // 6. Feature routers; each route declares its guard.
  app.use(authRoutes(createAuthController({ auth: services.auth, clock, config }), limits.login));
  app.use(publicRoutes(publicController));
  app.use(guideRoutes(createGuideController(services.guide)));
  app.use(homeRoutes({ reports: services.reports, worklist: services.worklist }));
  app.use(associationsRoutes(createAssociationsController(services.associations, services.documents, services.quality)));
  app.use(catalogueRoutes(createCataloguesController({ catalogues: services.catalogues })));
  app.use(documentsRoutes(createDocumentsController({ documents: services.documents, storage: services.documentStorage, config })));
  app.use(chartersRoutes(services.charters));
  const reportsController = createReportsController({ reports: services.reports, exploitationLog: services.exploitationLog, clock });
  // Before the reports router: its /bao-cao/:category would take /bao-cao/chat-luong-du-lieu.
  app.use(qualityRoutes(createQualityController({ quality: services.quality, catalogues: services.catalogues })));
  app.use(reportsRoutes(reportsController));
  const accessDeps = { access: services.access, log: services.exploitationLog, catalogues: services.catalogues, clock };
  app.use(accessRoutes(createAccessController(accessDeps), limits.accessRegistration));
  app.use(
    importsRoutes(
      createImportsController({
        imports: services.imports,
        associations: services.associations,
        storage: services.documentStorage,
        config,
      }),
    ),
  );
  app.use(notificationsRoutes(notificationsController, createNoticeEmailController({ noticeEmail: services.noticeEmail })));
  app.use(followsRoutes(followsController));
  const submissionsController = createSubmissionsController({
    submissions: services.submissions,
    documents: services.documents,
    storage: services.documentStorage,
    config,
    termOf: (id) => services.jobs.termOf(id),
  });
  app.use(submissionsRoutes(submissionsController));
  app.use(viewAsRoutes(viewAsController(services, { publicController, reportsController, submissionsController })));
  app.use(legalDocumentsRoutes(createLegalDocumentsController(services.legalDocuments)));
  app.use(feesRoutes(createFeesController({ fees: services.fees })));
  app.use(apiKeysRoutes(createApiKeysController({ keys: services.apiKeys, clock })));
  app.use(violationsRoutes(createViolationsController({ violations: services.violations, storage: services.documentStorage, config })));
  app.use(supportRoutes(createSupportController({ support: services.support })));
  app.use(jobsRoutes(createJobsController({ jobs: services.jobs, catalogues: services.catalogues, clock })));
  app.use(itCentreRoutes(createItCentreController(services.itCentre), createAuditLogController(services.auditLog, clock)));
  app.use(incidentsRoutes(createIncidentsController(services.incidents)));
  app.use(personalDataRoutes(createPersonalDataController(services.personalData), limits.personalDataRequest));
  app.use(metricsRoutes({ registry: metrics.registry, metricsToken: config.metricsToken }));
  if (extraRoutes) app.use(extraRoutes);
  // 7. Not found and errors.
  app.use(notFound());
  app.use(errorHandler(logger, services.audit, services.itCentre.recordError));
  return app;
}

/**
 * The rate limiters, each with its own counters in the database (RATE_LIMIT_STORE), shared by every instance of the
 * application (issue 19 item 3); `stores` prunes the ended windows (cli/start.ts).
 */
function rateLimiters(config: Readonly<Config>, db: Knex, clock: Clock, logger: Logger) {
  const stores = createRateLimitStores({ db, clock, logger, kind: config.rateLimitStore });
  const deps: LimiterDeps = { stores, logger };
  return {
    stores,
    login: loginRateLimiter(config, deps),
    accessRegistration: registrationRateLimiter(config, deps, 'access-registration'),
    personalDataRequest: registrationRateLimiter(config, deps, 'personal-data-request'),
    apiKey: apiKeyRateLimiter(config, deps, rateLimitKeyOf),
  };
}

/**
 * /healthz and /readyz (database, migrations, backup, jobs and — with DATABASE_REPLICA_URL — the read replica), and
 * the replica's series in /metrics.
 */
function healthProbes(db: Knex, services: Services, metrics: ReturnType<typeof createMetrics>): Router {
  if (services.reads.configured) metrics.trackReplica(services.reads.state);
  return healthRoutes({
    db,
    backupStatus: services.itCentre.backupStatus,
    jobsHealth: services.jobsHealth.view,
    replica: services.reads.state,
  });
}

/** The data API's router (features/api-keys): its controller, the key guard and the per-key rate limit. */
function dataApi(services: Services, apiKeyLimiter: RequestHandler): Router {
  const controller = createApiController({ reports: services.reports, exploitationLog: services.exploitationLog });
  return apiRoutes(controller, services.apiKeys, apiKeyLimiter);
}

/** "Xem như" (issue 16): the record previewed by staff through the pages of the public, exploiters and officers. */
function viewAsController(
  services: Services,
  pages: {
    publicController: ReturnType<typeof createPublicController>;
    reportsController: ReturnType<typeof createReportsController>;
    submissionsController: ReturnType<typeof createSubmissionsController>;
  },
) {
  return createViewAsController({
    associations: services.associations,
    audit: services.audit,
    currentGrants: () => services.access.currentGrants(),
    publicRecord: pages.publicController.recordPage,
    reportPreview: pages.reportsController.associationPreview,
    officerHome: pages.submissionsController.homeView,
  });
}
