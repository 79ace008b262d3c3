/** Incidents and software change requests: the form, the statuses and the transitions. */
import { z } from 'zod';
import { lowerFirst } from '../../lib/format.js';
import type { Role } from '../../lib/roles.js';

export const INCIDENT_ROLES: readonly Role[] = ['ngo_staff', 'ngo_lead', 'it_admin'];

export const KINDS = [
  ['su_co', 'Sự cố'],
  ['yeu_cau_thay_doi', 'Yêu cầu thay đổi phần mềm'],
] as const;
export const SEVERITIES = [
  ['thap', 'Thấp'],
  ['trung_binh', 'Trung bình'],
  ['cao', 'Cao'],
  ['nghiem_trong', 'Nghiêm trọng'],
] as const;
export const STATUSES = [
  ['moi', 'Mới'],
  ['dang_xu_ly', 'Đang xử lý'],
  ['da_chuyen_tttt', 'Đã chuyển Trung tâm Thông tin'],
  ['da_giai_quyet', 'Đã giải quyết'],
  ['dong', 'Đóng'],
] as const;
export type IncidentStatus = (typeof STATUSES)[number][0];
export type IncidentKind = (typeof KINDS)[number][0];
export type Severity = (typeof SEVERITIES)[number][0];

const codes = <T extends readonly (readonly [string, string])[]>(list: T) =>
  list.map(([c]) => c) as unknown as [T[number][0], ...T[number][0][]];
export const KIND_CODES = codes(KINDS);
export const SEVERITY_CODES = codes(SEVERITIES);
export const STATUS_CODES = codes(STATUSES);

export const ACTIONS = [
  ['tiep_nhan', 'Tiếp nhận xử lý'],
  ['giai_quyet', 'Đã giải quyết'],
  ['chuyen_tttt', 'Chuyển Trung tâm Thông tin'],
  ['dong', 'Đóng'],
  ['mo_lai', 'Mở lại'],
  ['binh_luan', 'Chỉ thêm ghi chú'],
] as const;
export type IncidentAction = (typeof ACTIONS)[number][0];

/**
 * Who may do what from which status. The operator (ngo_staff) takes up and resolves; what the operator cannot
 * solve is routed to the IT Centre (it_admin), who then resolves it. Resolved incidents are closed or reopened.
 */
export const TRANSITIONS: Record<
  Exclude<IncidentAction, 'binh_luan'>,
  { from: readonly IncidentStatus[]; to: IncidentStatus; roles: readonly Role[] }
> = {
  tiep_nhan: { from: ['moi'], to: 'dang_xu_ly', roles: ['ngo_staff', 'it_admin'] },
  giai_quyet: { from: ['moi', 'dang_xu_ly', 'da_chuyen_tttt'], to: 'da_giai_quyet', roles: ['ngo_staff', 'it_admin'] },
  chuyen_tttt: { from: ['moi', 'dang_xu_ly'], to: 'da_chuyen_tttt', roles: ['ngo_staff', 'ngo_lead'] },
  dong: { from: ['da_giai_quyet'], to: 'dong', roles: ['ngo_staff', 'ngo_lead', 'it_admin'] },
  mo_lai: { from: ['da_giai_quyet', 'dong'], to: 'dang_xu_ly', roles: ['ngo_staff', 'ngo_lead', 'it_admin'] },
};

/** Only the IT Centre resolves what was routed to it. */
export function allowedActions(status: IncidentStatus, roles: readonly string[]): IncidentAction[] {
  const out: IncidentAction[] = [];
  for (const [action, t] of Object.entries(TRANSITIONS) as Array<[Exclude<IncidentAction, 'binh_luan'>, (typeof TRANSITIONS)['dong']]>) {
    if (!t.from.includes(status)) continue;
    const eligible = action === 'giai_quyet' && status === 'da_chuyen_tttt' ? ['it_admin'] : t.roles;
    if (roles.some((r) => eligible.includes(r as Role))) out.push(action);
  }
  if (status !== 'dong') out.push('binh_luan');
  return out;
}

const text = (label: string, max: number) =>
  z
    .string({ error: `Hãy nhập ${lowerFirst(label)}.` })
    .trim()
    .min(1, `Hãy nhập ${lowerFirst(label)}.`)
    .max(max, `${label} tối đa ${max} ký tự.`);

export const incidentForm = z.object({
  kind: z.enum(KIND_CODES, { error: 'Hãy chọn loại: sự cố hay yêu cầu thay đổi phần mềm.' }),
  title: text('Tiêu đề', 200),
  description: text('Mô tả', 5000),
  severity: z.enum(SEVERITY_CODES, { error: 'Hãy chọn mức độ.' }),
});
export type IncidentInput = z.infer<typeof incidentForm>;

export const actionForm = z
  .object({
    action: z.enum(ACTIONS.map(([a]) => a) as [IncidentAction, ...IncidentAction[]], { error: 'Hãy chọn thao tác.' }),
    comment: z.string().trim().max(5000, 'Ghi chú tối đa 5000 ký tự.').optional().default(''),
    status: z.enum(STATUS_CODES, { error: 'Thiếu trạng thái hiện tại. Hãy tải lại trang.' }),
  })
  .superRefine((v, ctx) => {
    if ((v.action === 'binh_luan' || v.action === 'chuyen_tttt' || v.action === 'mo_lai') && v.comment.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['comment'],
        message: v.action === 'chuyen_tttt' ? 'Hãy ghi lý do chuyển Trung tâm Thông tin.' : 'Hãy nhập ghi chú.',
      });
    }
  });

export const listQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  'trang-thai': z.enum(STATUS_CODES).optional().catch(undefined),
  loai: z.enum(KIND_CODES).optional().catch(undefined),
  'muc-do': z.enum(SEVERITY_CODES).optional().catch(undefined),
  trang: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});
