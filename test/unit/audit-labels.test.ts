/**
 * The audit log shows every action in plain Vietnamese, never its code (issue 15 item 9): each action that src/
 * writes to the trail has a label in src/features/audit/audit-labels.ts. The actions are found in the source: the
 * dotted literals of `action:` in files that write audit rows, and the families built from a code (`incident.${…}`)
 * checked against the lists they are built from. A new action without a label fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_LABELS, actionLabel, detailNotes, TARGET_TYPES, targetText } from '../../src/features/audit/audit-labels.js';
import { ACTIONS as INCIDENT_ACTIONS } from '../../src/features/incidents/incidents.schemas.js';
import { normaliseIp } from '../../src/features/it-centre/audit-log.schemas.js';
import { ACTIONS as VIOLATION_ACTIONS } from '../../src/features/violations/violations.schemas.js';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Files that write audit rows, with their text. */
const writers = sources(SRC)
  .map((file) => ({ file: path.relative(SRC, file), text: readFileSync(file, 'utf8') }))
  .filter(({ text }) => /audit\.record(Many)?\(|\.record\(\s*actor|'audit_events'\)\.insert/.test(text));

/** The value expressions of `action:` in a file (up to the next comma, brace or line end). */
function actionExpressions(text: string): string[] {
  return [...text.matchAll(/\baction:\s*([^,\n}]+)/g)].map((m) => m[1] as string);
}

/** The families built from a code, and the codes each is built from. */
const FAMILIES: Record<string, readonly string[]> = {
  // submissions.officer.ts (save / submit / resubmit) and submissions.review.ts (the review's decision).
  submission: ['save', 'submit', 'resubmit', 'approve', 'return', 'reject'],
  incident: INCIDENT_ACTIONS.map(([a]) => a),
  violation: VIOLATION_ACTIONS.map(([a]) => a),
};

describe('every audit action has a Vietnamese label', () => {
  it('finds the files that write the trail (the scan is looking at the right code)', () => {
    const names = writers.map((w) => w.file);
    expect(names).toEqual(expect.arrayContaining(['features/auth/auth.service.ts', 'features/it-centre/it-centre.service.ts']));
    expect(names.length).toBeGreaterThan(20);
  });

  it('each dotted action literal written in src/ has a label', () => {
    const missing: string[] = [];
    let found = 0;
    for (const { file, text } of writers) {
      for (const expr of actionExpressions(text)) {
        for (const m of expr.matchAll(/['"`]([a-z_]+(?:\.[a-z_]+)+)['"`]/g)) {
          found++;
          if (!Object.hasOwn(ACTION_LABELS, m[1] as string)) missing.push(`${file}: ${m[1]}`);
        }
      }
    }
    expect(found).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it('each family of actions built from a code is known, and each of its codes has a label', () => {
    const unknown: string[] = [];
    for (const { file, text } of writers) {
      for (const expr of actionExpressions(text)) {
        const m = /^`([a-z_]+)\.\$\{/.exec(expr.trim());
        if (m && !FAMILIES[m[1] as string]) unknown.push(`${file}: ${expr.trim()}`);
      }
    }
    expect(unknown).toEqual([]);
    const missing = Object.entries(FAMILIES).flatMap(([family, codes]) =>
      codes.map((c) => `${family}.${c}`).filter((code) => !Object.hasOwn(ACTION_LABELS, code)),
    );
    expect(missing).toEqual([]);
  });

  it('the actions without a dot (login, logout) have labels too, and no label is empty', () => {
    expect(ACTION_LABELS.login).toBe('Đăng nhập');
    expect(ACTION_LABELS.logout).toBe('Đăng xuất');
    for (const [code, label] of Object.entries(ACTION_LABELS)) expect(label.trim(), code).not.toBe('');
  });

  it('an action newer than the table still reads as Vietnamese, never as its code', () => {
    expect(actionLabel('charter.upload')).toBe('Thao tác khác');
    expect(actionLabel('user.disable')).toBe('Vô hiệu hóa tài khoản');
  });
});

describe('records and details in plain words', () => {
  it('names each kind of record as a reader knows it', () => {
    expect(targetText('association', 'H000042')).toBe('Hồ sơ hội H000042');
    expect(targetText('association', '17', { association: 'H000017' })).toBe('Hồ sơ hội H000017');
    expect(targetText('user', '5', { username: 'nguyen.van.a' })).toBe('Tài khoản nguyen.van.a');
    expect(targetText('incident', '12')).toBe('Sự cố số 12');
    expect(targetText('route', 'GET /quan-tri/hoi')).toBe('Trang /quan-tri/hoi');
    expect(targetText('route', 'POST /quan-tri/hoi/moi')).toBe('Trang /quan-tri/hoi/moi (gửi biểu mẫu)');
    expect(targetText('report', 'dd')).toBe('Báo cáo (đ) Danh sách Chủ tịch hội');
    expect(targetText('job', 'backup')).toBe('Tác vụ định kỳ: Sao lưu định kỳ');
    expect(targetText('fields', 'GD')).toBe('Danh mục lĩnh vực hoạt động GD');
    expect(targetText('something_new', '1')).toBe('Đối tượng khác 1');
    expect(targetText(null, null)).toBe('');
  });

  it('every kind of record the filter offers has a Vietnamese label without underscores', () => {
    for (const t of TARGET_TYPES) expect(t.label, t.type).not.toMatch(/_/);
  });

  it('explains a failed login: the reason, a lockout, the name a visitor typed', () => {
    expect(detailNotes('login', null, 'ke.gian', { reason: 'unknown', locked: false })).toEqual([
      'lý do: tên đăng nhập không tồn tại',
      'tên đăng nhập đã nhập: ke.gian',
    ]);
    expect(detailNotes('login', 4, 'a', { reason: 'bad_password', locked: true })).toEqual([
      'lý do: sai mật khẩu',
      'tài khoản bị khóa tạm thời sau lần này',
    ]);
    expect(detailNotes('report.export', 4, 'a', { reason: 'not-a-reason' })).toEqual([]);
  });

  it('reads an IPv4-mapped IPv6 address as IPv4, the way the address index does', () => {
    expect(normaliseIp('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(normaliseIp('2001:DB8::1')).toBe('2001:db8::1');
    expect(normaliseIp('10.0.0.1')).toBe('10.0.0.1');
  });
});
