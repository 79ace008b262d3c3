/** Report m: the catalogue of legal documents on associations kept by the NGO Department. */
import type { LegalDocumentsRepository } from '../legal-documents/legal-documents.repository.js';
import { LEGAL_DOC_TYPES } from '../legal-documents/legal-documents.schemas.js';
import type { ReportBuilder } from './report-builder.js';

const TYPE_LABEL: Record<string, string> = Object.fromEntries(LEGAL_DOC_TYPES);
/** The types' names in the interface's messages (the report's filter offers the same). */
const TYPE_KEYS: Record<string, string> = Object.fromEntries(
  LEGAL_DOC_TYPES.map(([code, label]) => [label, `reports:filters.docTypes.${code}`]),
);

export function documentsReport(legalDocuments: Pick<LegalDocumentsRepository, 'list'>): ReportBuilder {
  return async (f) => {
    const docs = await legalDocuments.list({ ...(f.docType ? { docType: f.docType } : {}), ...(f.year ? { year: f.year } : {}) });
    return {
      tables: [
        {
          id: 'van-ban',
          title: 'Danh mục văn bản về hội',
          columns: [
            { key: 'number', label: 'Số, ký hiệu', type: 'text' },
            { key: 'type', label: 'Loại văn bản', type: 'text', valueKeys: TYPE_KEYS },
            { key: 'issuer', label: 'Cơ quan ban hành', type: 'text' },
            { key: 'issued_on', label: 'Ngày ban hành', type: 'date' },
            { key: 'summary', label: 'Trích yếu', type: 'text' },
            { key: 'attachment_ref', label: 'Tệp đính kèm', type: 'text' },
          ],
          rows: docs.map((d) => ({ ...d, type: TYPE_LABEL[d.doc_type] ?? d.doc_type })),
          totals: null,
        },
      ],
      chart: null,
    };
  };
}
