// What the viewer may do with a ledger item and its interventions, as ledger-svc's policies
// say (items/policy.py, interventions/policy.py, plans/policy.py): the console offers only
// that, and ledger-svc checks again.
import type { components } from '@/api/schema'

export type Intervention = components['schemas']['InterventionRead']
export type InterventionStatus = components['schemas']['InterventionStatus']

export interface Viewer {
  id: string
  roles: readonly string[]
  department?: string | null
}

const isLeader = (viewer: Viewer) => viewer.roles.includes('leader')
// Who sees every department's exceptions and interventions (exceptions/policy.py).
const LEADERSHIP = ['leader', 'admin', 'auditor']

/** The leadership, the head of the item's department and its owner follow its exceptions
 *  and interventions. */
export function mayFollow(item: { owner_id: string; department: string }, viewer: Viewer): boolean {
  if (viewer.roles.some((role) => LEADERSHIP.includes(role)) || item.owner_id === viewer.id) return true
  return viewer.roles.includes('dept_head') && viewer.department === item.department
}

/** The owner reports progress, on a leaf only: a parent's progress is rolled up from its
 *  children. (ledger-svc also lets an admin report, to put a wrong report right; the
 *  console leaves reporting to the owner whose work it is.) */
export function mayReport(item: { owner_id: string; has_children: boolean }, viewer: Viewer): boolean {
  return item.owner_id === viewer.id && !item.has_children
}

/** Only a leader moves a deadline (with a reason). */
export function mayMoveDeadline(viewer: Viewer): boolean {
  return isLeader(viewer)
}

/** Only a leader intervenes in an item. */
export function mayIntervene(viewer: Viewer): boolean {
  return isLeader(viewer)
}

/** Admins and leaders make the year's plans. */
export function mayMakePlan(viewer: Viewer): boolean {
  return viewer.roles.includes('admin') || isLeader(viewer)
}

/** Admins and leaders shape (make and edit) any department's items, a department head
 *  their own department's. */
export function mayShape(viewer: Viewer, department: string): boolean {
  if (mayMakePlan(viewer)) return true
  return viewer.roles.includes('dept_head') && !!viewer.department && viewer.department === department
}

/** Whether the viewer shapes items of some department (and so may add one). */
export function shapesSomeDepartment(viewer: Viewer): boolean {
  return mayMakePlan(viewer) || (viewer.roles.includes('dept_head') && !!viewer.department)
}

export type InterventionAction = 'acknowledge' | 'answer' | 'close'
/** What is done on an item through a form: the owner reports or answers, a leader moves the
 *  deadline, intervenes or closes an intervention. */
export type ItemAction = 'report' | 'deadline' | 'intervene' | 'answer' | 'close'

/** What the viewer may do next with an intervention on an item owned by `ownerId`: the
 *  owner acknowledges an issued one and answers it once, a leader closes an open one. */
export function interventionActions(intervention: Pick<Intervention, 'status'>, ownerId: string, viewer: Viewer): InterventionAction[] {
  const actions: InterventionAction[] = []
  const owner = ownerId === viewer.id
  if (owner && intervention.status === 'issued') actions.push('acknowledge')
  if (owner && (intervention.status === 'issued' || intervention.status === 'acknowledged')) actions.push('answer')
  if (isLeader(viewer) && intervention.status !== 'closed') actions.push('close')
  return actions
}

/** The tag colour of an intervention's status: waiting on the owner, on the leader, or done. */
export function interventionTag(status: InterventionStatus): 'danger' | 'warning' | 'primary' | 'info' {
  return ({ issued: 'danger', acknowledged: 'warning', answered: 'primary', closed: 'info' } as const)[status]
}

/** Admins and leaders write campaigns: the campaign, its activities, who took part, results. */
export function mayWriteCampaigns(viewer: Viewer): boolean {
  return mayMakePlan(viewer)
}

/** A writer closes a campaign after its last day (the bureau's `today`); before then only a
 *  leader may cut it short. A closed one is the record and closes no more. */
export function mayCloseCampaign(campaign: { ends_on: string; closed_at: string | null }, viewer: Viewer, today: string): boolean {
  if (campaign.closed_at || !mayWriteCampaigns(viewer)) return false
  return today > campaign.ends_on || isLeader(viewer)
}
