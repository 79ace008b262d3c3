/**
 * Access registration, approval and hand-over, grants, the organisation's requests.
 * Every multi-table change runs in one transaction with its audit row and notices. One-time passwords are
 * returned to the caller once (for the hand-over note) and stored only as argon2id hashes.
 *
 * One service for its callers, composed of one module per responsibility: registrations and their approval
 * (access-registrations.service.ts), grants and the effective access (access-grants.service.ts), the
 * organisation's requests and their decisions (access-requests.service.ts).
 */
import type { AccessServiceDeps } from './access-deps.js';
import { createGrantsService } from './access-grants.service.js';
import { createRegistrationApproval, createRegistrationsService } from './access-registrations.service.js';
import { createOrganisationActions, createRequestDecisions } from './access-requests.service.js';

export function createAccessService(deps: AccessServiceDeps) {
  return {
    ...createRegistrationsService(deps),
    ...createRegistrationApproval(deps),
    ...createGrantsService(deps),
    ...createOrganisationActions(deps),
    ...createRequestDecisions(deps),
  };
}

export type AccessService = ReturnType<typeof createAccessService>;
