/**
 * The staff edit of a record through its section pages (Biểu mẫu 1 as a task list, issue 18 item 2): each section
 * that `changes` touches is opened, changed and saved, one new version each, as a browser would.
 */
import { SECTIONS } from '../../src/features/register-form/definition.js';
import { sectionOfKey } from '../../src/features/register-form/sections.js';
import { formFields } from './forms.js';
import type { Agent } from './http.js';

export const editSectionPath = (code: string, slug: string) => `/quan-tri/hoi/${code}/sua/${slug}`;

/** The fields of a section's page as a browser would post them back. */
export async function sectionFields(a: Agent, code: string, slug: string): Promise<Record<string, string | string[]>> {
  const page = await a.get(editSectionPath(code, slug));
  if (page.status !== 200) throw new Error(`${slug}: ${page.status} ${page.text.slice(0, 500)}`);
  return formFields(page.text, editSectionPath(code, slug));
}

/**
 * Save every section `changes` touches (keys outside any section, e.g. `reason`, go with each). Returns the first
 * response that is not a redirect, else the last one.
 */
export async function editRecord(a: Agent, code: string, changes: Record<string, string | string[]>) {
  const touched = SECTIONS.filter((s) => Object.keys(changes).some((k) => sectionOfKey(k) === s));
  const shared = Object.fromEntries(Object.entries(changes).filter(([k]) => !sectionOfKey(k)));
  let last: Awaited<ReturnType<Agent['post']>> | undefined;
  for (const section of touched) {
    const own = Object.fromEntries(Object.entries(changes).filter(([k]) => sectionOfKey(k) === section));
    const fields = { ...(await sectionFields(a, code, section.slug)), ...shared, ...own };
    last = await a.post(editSectionPath(code, section.slug)).type('form').send(fields);
    if (last.status !== 303) return last;
  }
  if (!last) throw new Error('editRecord: no section changed');
  return last;
}
