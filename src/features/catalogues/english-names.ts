/**
 * For a reader of the English interface, the catalogue entries' English names are in memory before the page renders
 * (issue 17 item 2): `tx` then prints a province, field or status named by a report row, a select or a history line
 * in English where the catalogue has an English name. Vietnamese readers skip it. A failed read leaves the names as
 * they were (the Vietnamese names show) and is logged; the page is served.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { CataloguesService } from './catalogues.service.js';

export function catalogueNamesInEnglish(catalogues: Pick<CataloguesService, 'ensureEnglishNames'>, logger: Logger): RequestHandler {
  return (req, _res, next) => {
    if (req.lang !== 'en') return next();
    catalogues.ensureEnglishNames().then(
      () => next(),
      (err: unknown) => {
        logger.warn({ err }, 'English names of catalogue entries not read');
        next();
      },
    );
  };
}
