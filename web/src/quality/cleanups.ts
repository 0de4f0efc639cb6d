// Clean-up campaigns of the procedure register (制度清理) as the console shows them: who runs
// one (ledger-svc's cleanups/policy.py: a leader, an admin or the quality office), a
// department's progress as a bar, and the lines in the order the board reads them.
import type { components } from '@/api/schema'
import type { Viewer } from '@/ledger/rules'
import { isKeeper } from '@/quality/office'

export type Cleanup = components['schemas']['CleanupRead']
export type CleanupProgress = components['schemas']['CleanupProgress']
export type DepartmentProgress = components['schemas']['DepartmentProgress']
export type CleanupLine = components['schemas']['LineRead']
export type DecisionKind = components['schemas']['CleanupDecisionKind']
export type CleanupStatus = components['schemas']['CleanupStatus']

export const DECISION_KINDS: readonly DecisionKind[] = ['confirm', 'abolish', 'revise', 'supplement']
/** The decisions that open a draft of the document (or carry on with the one on its way). */
export const DRAFTING: readonly DecisionKind[] = ['revise', 'supplement']

/** Opening, deciding and closing a clean-up: a leader, an admin or the quality office. */
export function mayRunCleanups(viewer: Viewer, qualityOffice: string | null): boolean {
  return viewer.roles.includes('leader') || isKeeper(viewer, qualityOffice)
}

/** The tag colour of a decision, as its part of a department's bar (board.css): the
 *  console's primary colour is its red, so a supplement is grey (info), not primary. */
export function decisionTag(kind: DecisionKind): 'success' | 'danger' | 'warning' | 'info' {
  return ({ confirm: 'success', abolish: 'danger', revise: 'warning', supplement: 'info' } as const)[kind]
}

/** A share decided, in whole percent (0 when nothing is in scope). */
export function percentDecided(progress: { in_scope: number; decided: number }): number {
  return progress.in_scope === 0 ? 0 : Math.floor((progress.decided * 100) / progress.in_scope)
}

/** A bar's parts for a department: each decision kind's share of its documents in scope,
 *  in the order of DECISION_KINDS, the undecided rest left blank. */
export function barParts(progress: Pick<DepartmentProgress, 'in_scope' | 'by_decision'>): { kind: DecisionKind; count: number; width: number }[] {
  if (progress.in_scope === 0) return []
  return DECISION_KINDS.map((kind) => {
    const count = progress.by_decision[kind] ?? 0
    return { kind, count, width: (count * 100) / progress.in_scope }
  }).filter((part) => part.count > 0)
}

/** The line's decision opened (or carried on with) a draft the register's page shows. */
export function draftOf(line: CleanupLine): number | null {
  const decision = line.decision
  if (!decision || !DRAFTING.includes(decision.decision)) return null
  return decision.revision_number ?? null
}
