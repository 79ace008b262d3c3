/** What the access service's parts are built from (access.service.ts composes them; each part takes what it uses). */
import type { Knex } from 'knex';
import type { Clock } from '../../lib/clock.js';
import type { AuditService } from '../audit/audit.service.js';
import type { UsersRepository } from '../auth/users.repository.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { AccessRepository } from './access.repository.js';

export interface AccessServiceDeps {
  db: Knex;
  repo: AccessRepository;
  users: UsersRepository;
  audit: AuditService;
  notifications: NotificationsService;
  clock: Clock;
}
