import { z } from 'zod';

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} không hợp lệ.` })
    .trim()
    .min(1, { error: `Nhập ${label.toLowerCase()}.` })
    .max(max, { error: `${label} không được dài quá ${max} ký tự.` });

export const loginSchema = z.object({
  username: text('Tên đăng nhập', 100),
  password: z
    .string({ error: 'Mật khẩu không hợp lệ.' })
    .min(1, { error: 'Nhập mật khẩu.' })
    .max(200, { error: 'Mật khẩu không được dài quá 200 ký tự.' }),
  tiep: z.string().max(500).optional(),
});

export const codeSchema = z.object({
  code: z
    .string({ error: 'Mã xác thực không hợp lệ.' })
    .trim()
    .min(1, { error: 'Nhập mã xác thực gồm 6 chữ số hoặc một mã khôi phục.' })
    .max(20, { error: 'Mã xác thực không hợp lệ.' }),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string({ error: 'Nhập mật khẩu hiện tại.' }).min(1, { error: 'Nhập mật khẩu hiện tại.' }).max(200),
  newPassword: z
    .string({ error: 'Nhập mật khẩu mới.' })
    .min(1, { error: 'Nhập mật khẩu mới.' })
    .max(200, { error: 'Mật khẩu không được dài quá 128 ký tự.' }),
  confirmPassword: z.string({ error: 'Nhập lại mật khẩu mới.' }).min(1, { error: 'Nhập lại mật khẩu mới.' }).max(200),
});
