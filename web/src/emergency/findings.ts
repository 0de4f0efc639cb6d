// A drill's findings as the recorder lists them, one row each: what was found, the
// department its follow-up goes to, how serious it is, who found it. Each becomes a
// follow-up item of the work ledger (ledger-svc makes one per finding, its target the
// finding marked 【演练】, its source the drill).
import type { components } from '@/api/schema'

export type FindingBody = components['schemas']['emergency_FindingCreate']
export type Severity = components['schemas']['FindingSeverity']
export type LedgerItem = components['schemas']['ItemRead']

export const SEVERITIES: readonly Severity[] = ['minor', 'major', 'critical']

export interface FindingRow {
  finding: string
  department: string
  severity: Severity | ''
  evaluator: string
}

export const emptyFindingRow = (): FindingRow => ({ finding: '', department: '', severity: '', evaluator: '' })

const isBlank = (row: FindingRow) => !row.finding.trim() && !row.department.trim() && !row.severity && !row.evaluator.trim()

/** The rows that say something without saying what was found, by index: a department or
 *  a severity alone is not a finding (a row left wholly blank is no row). */
export function findingProblems(rows: readonly FindingRow[]): number[] {
  return rows.flatMap((row, index) => (!isBlank(row) && !row.finding.trim() ? [index] : []))
}

/** The findings to record, trimmed, with only the parts given; blank rows left out. */
export function findingBodies(rows: readonly FindingRow[]): FindingBody[] {
  return rows
    .filter((row) => row.finding.trim())
    .map((row) => ({
      finding: row.finding.trim(),
      ...(row.department.trim() ? { department: row.department.trim() } : {}),
      ...(row.severity ? { severity: row.severity } : {}),
      ...(row.evaluator.trim() ? { evaluator: row.evaluator.trim() } : {}),
    }))
}

/** The ledger item a drill's follow-up became, among the items whose source is the drill:
 *  the one whose target is the follow-up's title (the ledger shortens a long title, never
 *  the target). Undefined while the ledger has not made it yet. */
export function ledgerItemOf(followUpTitle: string, items: readonly LedgerItem[]): LedgerItem | undefined {
  return items.find((item) => item.target === followUpTitle)
}
