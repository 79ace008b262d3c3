/**
 * The confirmation page before applying a validated batch (issue 18 item 7): what will be written, in which mode,
 * with a red button posting the real form (`xac-nhan=1`) and a link back to the batch. GET, works without JS.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ConflictError } from '../../lib/errors.js';
import { formatNumber as n } from '../../lib/format.js';
import { idParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import type { ImportsService } from './imports.service.js';

export const applySchema = z.object({ mode: z.enum(['all', 'valid_only'], { error: 'Chọn cách áp dụng.' }) });

/** A POST without `xac-nhan` applies nothing: back to the confirmation page of its mode (or to the batch). */
export function redirectToConfirm(req: Request, res: Response, id: number): void {
  const mode = applySchema.safeParse(req.body ?? {});
  res.redirect(303, mode.success ? paths.imports.apply(id, { mode: mode.data.mode }) : paths.imports.batch(id));
}

export function createApplyConfirm(imports: Pick<ImportsService, 'get'>) {
  return async function applyConfirm(req: Request<{ id: string }>, res: Response) {
    const id = idParam(req, 'Không tìm thấy lô dữ liệu nhập.');
    const parsed = applySchema.safeParse(req.query);
    if (!parsed.success) return res.redirect(303, paths.imports.batch(id));
    const mode = parsed.data.mode;
    const batch = await imports.get(id);
    if (batch.status !== 'validated') throw new ConflictError('Lô dữ liệu này đang được áp dụng hoặc đã áp dụng.');
    res.render('partials/confirm', {
      title: mode === 'all' ? 'Áp dụng toàn bộ tệp vào cơ sở dữ liệu?' : 'Chỉ áp dụng các dòng hợp lệ?',
      details: [
        ['Lô nhập', `Số ${id}`],
        ['Tệp', batch.original_name],
        ['Số hội trong tệp', n(batch.rows_total)],
        ['Dòng hợp lệ', n(batch.rows_valid)],
        ['Dòng sai', n(batch.rows_invalid)],
      ],
      consequences:
        mode === 'all'
          ? [
              `${n(batch.rows_valid)} hội được tạo mới hoặc cập nhật trong một lần: hoặc ghi hết, hoặc không ghi gì.`,
              'Mỗi hội thay đổi có một phiên bản mới trong lịch sử hồ sơ; danh sách con có trong tệp (lãnh đạo, đại hội …) thay thế danh sách cũ.',
              'Không hoàn tác tự động: muốn sửa lại phải nhập tệp mới hoặc sửa từng hồ sơ.',
            ]
          : [
              `${n(batch.rows_valid)} dòng hợp lệ được ghi, mỗi hội thành một phiên bản riêng; ${n(batch.rows_invalid)} dòng sai bị bỏ qua.`,
              'Danh sách con có trong tệp (lãnh đạo, đại hội …) thay thế danh sách cũ của các hội được ghi.',
              'Không hoàn tác tự động: các dòng sai phải sửa rồi nhập lại trong một tệp khác.',
            ],
      action: paths.imports.apply(id),
      hidden: { mode },
      confirmLabel: mode === 'all' ? 'Xác nhận áp dụng toàn bộ tệp' : 'Xác nhận áp dụng các dòng hợp lệ',
      cancelHref: paths.imports.batch(id),
      errors: {},
    });
  };
}
