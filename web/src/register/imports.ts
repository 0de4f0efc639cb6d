// The inventory workbook's faults as asset-svc lists them, said in Chinese: where each one is
// (sheet, row, column, as the template names them) and what is wrong with it.
import { ApiError } from '@/api/problems'
import words from '@/i18n/zh-CN/register'

/** One fault of an uploaded workbook (asset-svc's RowError). */
export interface RowFault {
  sheet: string
  row: number
  column?: string
  code: string
  detail: string
  context?: Record<string, string | number>
}

/** The faults a refused import lists; none when the refusal is not about the rows. */
export function rowFaultsOf(error: unknown): RowFault[] {
  if (!(error instanceof ApiError) || error.status !== 422) return []
  return (error.errors as unknown[]).filter(
    (fault): fault is RowFault =>
      typeof fault === 'object' && fault !== null && 'sheet' in fault && 'row' in fault && 'code' in fault,
  )
}

/** pydantic's list of allowed values ("'office', 'mixed' or 'other'") as a reader writes it. */
function choices(expected: string): string {
  return expected.replace(/'/g, '').split(/, | or /).join('、')
}

/** What is wrong, in words: the fault's own, else the API's English detail as it came. */
export function faultWords(fault: RowFault): string {
  const template = (words.imports.faults as Record<string, string>)[fault.code]
  if (!template) return fault.detail
  const context: Record<string, string> = {}
  for (const [key, value] of Object.entries(fault.context ?? {})) {
    context[key] = key === 'expected' ? choices(String(value)) : String(value)
  }
  // A placeholder the answer did not fill is dropped with its words' meaning: say the detail.
  let missing = false
  const text = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (key in context) return context[key]!
    missing = true
    return ''
  })
  return missing ? fault.detail : text
}

/** The sheet and column as the template's Chinese headings name them. */
export function sheetName(sheet: string): string {
  return (words.imports.sheets as Record<string, string>)[sheet] ?? sheet
}

export function columnName(column: string | undefined): string {
  if (!column) return '—'
  return (words.imports.columns as Record<string, string>)[column] ?? column
}
