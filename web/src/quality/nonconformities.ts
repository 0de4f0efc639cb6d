// Nonconformities and their corrective actions (纠正措施, CAPA; ISO 9001:2015 10.2) as the
// console shows them: the stages in order, who works and who verifies one (ledger-svc's
// nonconformities/policy.py; the console offers only that, ledger-svc checks again), and
// whether the effectiveness check may be recorded yet.
import type { components } from '@/api/schema'
import type { Viewer } from '@/ledger/rules'
import { isKeeper } from '@/quality/office'

export type Nonconformity = components['schemas']['NonconformityRead']
export type NonconformityDetail = components['schemas']['NonconformityDetail']
export type Stage = components['schemas']['Stage']
export type Source = components['schemas']['Source']
export type CorrectiveAction = components['schemas']['ActionRead']
export type Signal = components['schemas']['SignalRead']
export type Move = components['schemas']['MoveRead']

export const STAGES: readonly Stage[] = ['containment', 'root_cause', 'corrective_actions', 'effectiveness_check', 'closed']
export const SOURCES: readonly Source[] = ['audit', 'complaint', 'automatic']
/** Sources a person opens one from: the automatic ones are ledger-svc's alone. */
export const BY_HAND: readonly Exclude<Source, 'automatic'>[] = ['complaint', 'audit']

/** The step of the stages a nonconformity is at (closed: past the last). */
export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage)
}

/** Opening one by hand: a keeper or a leader for any department, a head for their own. */
export function mayOpen(viewer: Viewer, qualityOffice: string | null): boolean {
  return isKeeper(viewer, qualityOffice) || viewer.roles.some((role) => role === 'leader' || role === 'dept_head')
}

/** Containment, root cause, corrective actions, starting the check: a keeper or the
 *  department's head (on the routes: admin, dept_head, agent). */
export function mayWork(nonconformity: Pick<Nonconformity, 'department'>, viewer: Viewer, qualityOffice: string | null): boolean {
  if (!viewer.roles.some((role) => ['admin', 'dept_head', 'agent'].includes(role))) return false
  if (isKeeper(viewer, qualityOffice)) return true
  return viewer.roles.includes('dept_head') && viewer.department === nonconformity.department
}

/** The verdict and the closing: a keeper or a leader, never the department's own (who took
 *  the actions does not judge them; an admin's word stands). */
export function mayVerify(nonconformity: Pick<Nonconformity, 'department'>, viewer: Viewer, qualityOffice: string | null): boolean {
  if (!viewer.roles.includes('admin') && viewer.department === nonconformity.department) return false
  return isKeeper(viewer, qualityOffice) || viewer.roles.includes('leader')
}

export function stageTag(stage: Stage): 'success' | 'warning' | 'danger' | 'primary' | 'info' {
  return ({ containment: 'danger', root_cause: 'warning', corrective_actions: 'primary', effectiveness_check: 'warning', closed: 'success' } as const)[stage]
}

/** Whether every corrective action is done (the check starts then). */
export function actionsDone(actions: readonly Pick<CorrectiveAction, 'status'>[]): boolean {
  return actions.length > 0 && actions.every((action) => action.status === 'done')
}

