/** Pure rules of the IT Centre and incidents. */
import { describe, expect, it } from 'vitest';
import { allowedActions } from '../../src/features/incidents/incidents.schemas.js';
import { redactMessage } from '../../src/features/it-centre/it-centre.service.js';

describe('incident transitions (R-18.2)', () => {
  it('the operator takes up, resolves or routes a new incident; a lead routes but does not take up', () => {
    expect(allowedActions('moi', ['ngo_staff'])).toEqual(['tiep_nhan', 'giai_quyet', 'chuyen_tttt', 'binh_luan']);
    expect(allowedActions('moi', ['ngo_lead'])).toEqual(['chuyen_tttt', 'binh_luan']);
  });

  it('only the IT Centre resolves what was routed to it', () => {
    expect(allowedActions('da_chuyen_tttt', ['ngo_staff'])).toEqual(['binh_luan']);
    expect(allowedActions('da_chuyen_tttt', ['it_admin'])).toEqual(['giai_quyet', 'binh_luan']);
  });

  it('resolved incidents close or reopen; closed ones only reopen, without comments', () => {
    expect(allowedActions('da_giai_quyet', ['ngo_lead'])).toEqual(['dong', 'mo_lai', 'binh_luan']);
    expect(allowedActions('dong', ['it_admin'])).toEqual(['mo_lai']);
    expect(allowedActions('dong', ['leader'])).toEqual([]);
  });
});

describe('error messages kept for the IT Centre hold no personal data', () => {
  it('masks quoted literals, key details and long digit runs', () => {
    const m = redactMessage(
      `duplicate key value violates unique constraint "users_username_lower_unique" Key (lower(username))=(nguyen.van.a) 'Nguyễn' 0912345678`,
    );
    expect(m).not.toMatch(/nguyen\.van\.a|Nguyễn|0912345678/);
    expect(m).toContain('users_username_lower_unique');
    expect(redactMessage('invalid input syntax for type integer: "abc"')).toBe('invalid input syntax for type integer: "…"');
    expect(redactMessage('x'.repeat(900)).length).toBe(500);
  });
});
