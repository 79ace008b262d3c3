/**
 * Create a user from the command line — in production, the first it_admin:
 *   npm run user:create -- --username admin.tt --name "Nguyễn Văn A" --role it_admin [--email a@b.vn]
 * Prints a one-time password that must be changed at first login (and expires in 72 hours unused).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { migrateLatest } from '../db/migrations.js';
import { openDatabase } from '../db/setup.js';
import { createAuditRepository } from '../features/audit/audit.repository.js';
import { createAuditService } from '../features/audit/audit.service.js';
import { hashPassword } from '../features/auth/password.js';
import { createUsersRepository } from '../features/auth/users.repository.js';
import { isRole, type Role } from '../lib/roles.js';
import { createLogger } from '../logger.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      email: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(
      'Tạo tài khoản với mật khẩu dùng một lần (phải đổi khi đăng nhập lần đầu, hết hạn sau 72 giờ nếu chưa dùng):\n' +
        '  npm run user:create -- --username admin.tt --name "Nguyễn Văn A" --role it_admin [--role ngo_staff] [--email a@b.vn]\n' +
        'Vai trò: ngo_staff, ngo_lead, it_admin, leader, association, org_manager, exploiter',
    );
    return;
  }
  const roles = (values.role ?? []).flatMap((r) => r.split(',')).map((r) => r.trim());
  const problems: string[] = [];
  if (!values.username || !/^[a-z0-9._-]{3,60}$/i.test(values.username))
    problems.push('--username: 3–60 ký tự a-z, 0-9, dấu chấm, gạch dưới, gạch ngang');
  if (!values.name) problems.push('--name: họ và tên là bắt buộc');
  if (roles.length === 0 || !roles.every(isRole))
    problems.push('--role: một hoặc nhiều vai trò trong ngo_staff, ngo_lead, it_admin, leader, association, org_manager, exploiter');
  if (problems.length) {
    console.error(`Không tạo được tài khoản:\n  ${problems.join('\n  ')}`);
    process.exit(2);
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  try {
    await migrateLatest(database.knex);
    const users = createUsersRepository(database.knex);
    if (await users.findByUsername(values.username as string)) {
      console.error(`Tên đăng nhập ${values.username} đã tồn tại.`);
      process.exitCode = 2;
      return;
    }
    const oneTime = randomBytes(12).toString('base64url');
    const user = await users.insert({
      username: values.username as string,
      displayName: values.name as string,
      email: values.email ?? null,
      passwordHash: await hashPassword(oneTime),
      roles: roles as Role[],
      mustChangePassword: true,
      passwordExpiresAt: new Date(Date.now() + 72 * 3_600_000),
    });
    await createAuditService(createAuditRepository(database.knex)).record(
      { userId: null, username: 'cli', roles: [], ip: null, requestId: null },
      { action: 'user.create', targetType: 'user', targetId: user.id, details: { roles } },
    );
    console.log(`Đã tạo tài khoản ${user.username} (${roles.join(', ')}).`);
    console.log(`Mật khẩu dùng một lần (hết hạn sau 72 giờ, phải đổi khi đăng nhập lần đầu): ${oneTime}`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
