/**
 * Reads a rendered form the way a browser would submit it: inputs (checked boxes only), selected options,
 * textareas. Lets a test change one field and post everything else back unchanged.
 */
function unescapeHtml(s: string): string {
  return s
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeHtml(m[1] ?? '') : null;
}

/** Fields of the form whose action matches `action` (or the first form). Multi-valued names become arrays. */
export function formFields(html: string, action?: string): Record<string, string | string[]> {
  const forms = [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]);
  const form = action ? forms.find((f) => (attr(f.slice(0, f.indexOf('>') + 1), 'action') ?? '').startsWith(action)) : forms[0];
  if (!form) throw new Error(`no form ${action ?? ''}`);
  const out: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else out[name] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  };
  for (const m of form.matchAll(/<input\b[^>]*>/g)) {
    const tag = m[0];
    const name = attr(tag, 'name');
    if (!name) continue;
    const type = attr(tag, 'type') ?? 'text';
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue;
    if (type === 'file' || type === 'submit') continue;
    add(name, attr(tag, 'value') ?? (type === 'checkbox' ? 'on' : ''));
  }
  for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attr(`<select${m[1]}>`, 'name');
    if (!name) continue;
    const selected = /<option\b[^>]*\bvalue="([^"]*)"[^>]*\bselected\b/.exec(m[2] ?? '');
    add(name, selected ? unescapeHtml(selected[1] ?? '') : '');
  }
  for (const m of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attr(`<textarea${m[1]}>`, 'name');
    if (name) add(name, unescapeHtml(m[2] ?? ''));
  }
  return out;
}

/** A staff form (/quan-tri/hoi/moi) that validates: the required fields and one current leader. Spread and override. */
export const VALID_STAFF_FORM: Readonly<Record<string, string>> = {
  name: 'Hội Làm vườn tiếng Việt',
  kind_code: 'hoi',
  scope: 'toan_quoc',
  main_field_code: 'XHND',
  managing_ministry_code: 'BYT',
  nature_code: 'XHNDTT',
  hq_address: '12 Lê Hồng Phong',
  hq_ward: 'Phường Ba Đình',
  hq_province_code: '01',
  status: 'hoat_dong',
  data_level: 'basic',
  'leaders.0.full_name': 'Nguyễn Văn An',
  'leaders.0.position_code': 'CT',
  'leaders.0.official_status': 'nghi_huu',
  'leaders.0.birth_year': '1950',
};
