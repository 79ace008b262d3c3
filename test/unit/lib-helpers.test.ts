/** Helpers shared by controllers: route ids, the form round trip, the uploaded-file check. */
import type { Request } from 'express';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../src/lib/errors.js';
import { submitForm } from '../../src/lib/forms.js';
import { idParam } from '../../src/lib/params.js';
import { checkUploadedFile, WRONG_FILE_TYPE } from '../../src/lib/uploads.js';

const req = (params: Record<string, string>) => ({ params }) as unknown as Request;

describe('idParam', () => {
  it('reads a positive integer id', () => {
    expect(idParam(req({ id: '42' }))).toBe(42);
    expect(idParam(req({ ref: '2147483647' }), undefined, { name: 'ref' })).toBe(2_147_483_647);
    expect(idParam(req({ id: '9007199254740991' }), undefined, { max: Number.MAX_SAFE_INTEGER })).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each(['', '0', '007', '-1', '+1', '1.0', '0x10', '1e3', ' 1', '2147483648', 'abc'])('answers 404 for %j', (raw) => {
    expect(() => idParam(req({ id: raw }), 'Không tìm thấy mục này.')).toThrow(new NotFoundError('Không tìm thấy mục này.'));
  });

  it('answers 404 when the route has no such parameter', () => {
    expect(() => idParam(req({}))).toThrow(NotFoundError);
  });
});

describe('submitForm', () => {
  const schema = z.object({ name: z.string().min(1, 'Nhập tên.') });

  it('saves what the schema parsed and gives back what was saved', async () => {
    const refused = vi.fn();
    const done = await submitForm({ name: 'A', _csrf: 't' }, schema, { save: (data) => ({ id: 1, ...data }), refused });
    expect(done).toEqual({ saved: { id: 1, name: 'A' } });
    expect(refused).not.toHaveBeenCalled();
  });

  it('renders the form again with the kept values and the schema messages', async () => {
    const refused = vi.fn();
    const save = vi.fn();
    const done = await submitForm({ name: '', note: 'x', _csrf: 't' }, schema, { save, refused });
    expect(done).toBeUndefined();
    expect(save).not.toHaveBeenCalled();
    expect(refused).toHaveBeenCalledWith({ values: { name: '', note: 'x' }, errors: { name: 'Nhập tên.' } });
  });

  it('renders the form again on a ValidationError from the save, with its own values function', async () => {
    const refused = vi.fn();
    const done = await submitForm({ name: 'A' }, schema, {
      save: () => {
        throw new ValidationError({ name: 'Tên đã có.' });
      },
      refused,
      values: () => ({ name: ['A'] }),
    });
    expect(done).toBeUndefined();
    expect(refused).toHaveBeenCalledWith({ values: { name: ['A'] }, errors: { name: 'Tên đã có.' } });
  });

  it('lets any other error through', async () => {
    const failure = new Error('database down');
    await expect(
      submitForm({ name: 'A' }, schema, {
        save: () => Promise.reject(failure),
        refused: vi.fn(),
      }),
    ).rejects.toBe(failure);
  });
});

describe('checkUploadedFile', () => {
  const messages = { missing: 'Chọn tệp.', empty: 'Tệp rỗng.' };
  const detect = async (path: string) => (path.endsWith('.pdf') ? 'pdf' : null);

  it('gives the allowed type of a file', async () => {
    expect(await checkUploadedFile({ path: '/t/a.pdf', size: 10 }, detect, messages)).toEqual({ ok: true, type: 'pdf' });
  });

  it('refuses no file, an empty file and a file of another type', async () => {
    expect(await checkUploadedFile(undefined, detect, messages)).toEqual({ ok: false, error: 'Chọn tệp.', wrongType: false });
    expect(await checkUploadedFile(undefined, detect, { ...messages, missing: null })).toEqual({
      ok: false,
      error: null,
      wrongType: false,
    });
    expect(await checkUploadedFile({ path: '/t/a.pdf', size: 0 }, detect, messages)).toEqual({
      ok: false,
      error: 'Tệp rỗng.',
      wrongType: false,
    });
    expect(await checkUploadedFile({ path: '/t/a.exe', size: 10 }, detect, messages)).toEqual({
      ok: false,
      error: WRONG_FILE_TYPE,
      wrongType: true,
    });
  });
});
