/** Personal-data requests: the state machine, the deadline, the receipt number and the form's rules (pure). */
import { describe, expect, it } from 'vitest';
import {
  associationTerms,
  canMove,
  dueAt,
  receiptNumber,
  requestForm,
  STATES,
  transitionForm,
} from '../../src/features/personal-data/personal-data.schemas.js';

describe('personal-data schemas', () => {
  it('answered and refused are final; answered only from in progress; refused from every open state', () => {
    for (const s of STATES) expect(canMove('answered', s)).toBe(false);
    for (const s of STATES) expect(canMove('refused', s)).toBe(false);
    expect(canMove('received', 'answered')).toBe(false);
    expect(canMove('verifying', 'answered')).toBe(false);
    expect(canMove('in_progress', 'answered')).toBe(true);
    for (const s of ['received', 'verifying', 'in_progress'] as const) expect(canMove(s, 'refused')).toBe(true);
    expect(canMove('in_progress', 'received')).toBe(false);
  });

  it('the deadline is whole days after receipt; the receipt number carries the Viet Nam year', () => {
    const at = new Date('2026-12-31T20:00:00Z'); // 01/01/2027 03:00 in Viet Nam
    expect(dueAt(at, 3).toISOString()).toBe('2027-01-03T20:00:00.000Z');
    expect(receiptNumber(42, at)).toBe('DLCN-2027-000042');
  });

  it('splits the associations typed by line or semicolon, without blanks or repeats', () => {
    expect(associationTerms(' H000001 \n\nHội A; H000001 ;')).toEqual(['H000001', 'Hội A']);
  });

  it('needs an e-mail or a phone, and a refusal needs its reason', () => {
    const base = { request_type: 'access', requester_name: 'A', associations: 'H1', relation: 'x', data_concerned: 'y', details: 'z' };
    const none = requestForm.safeParse(base);
    expect(none.success).toBe(false);
    expect(none.error?.issues[0]?.path).toEqual(['email']);
    expect(requestForm.safeParse({ ...base, phone: '0912 345 678' }).success).toBe(true);
    expect(requestForm.safeParse({ ...base, email: 'a@b.vn', birth_year: '65' }).success).toBe(false);
    const refused = transitionForm.safeParse({ to: 'refused', refusal_reason: '  ' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['refusal_reason']);
  });
});
