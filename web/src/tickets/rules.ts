// The service desk's rules as the console applies them: status and SLA words, which
// actions a person may take on a ticket, and the order of a desk's work. They mirror
// ticket-svc (tickets/service.py and tickets/scope.py); the service still decides, and a
// refused action shows its words.

import type { components } from '@/api/schema'
import words from '@/i18n/zh-CN/tickets'

export type Ticket = components['schemas']['TicketRead']
export type TicketStatus = components['schemas']['TicketStatus']
export type SlaState = components['schemas']['SlaState']

/** What the rules read of a ticket. */
export type TicketFacts = Pick<
  Ticket,
  'status' | 'department' | 'owner' | 'requester_unit_id' | 'responded_at' | 'response_due_at' | 'resolve_due_at'
>

/** What the rules read of the person signed in (the API's /auth/me). */
export interface Viewer {
  id: string
  roles: readonly string[]
  unit_id?: string | null
  department?: string | null
}

/** A status in the words people use (the status itself when it is new to the console). */
export function statusLabel(status: string): string {
  return (words.status as Record<string, string>)[status] ?? status
}

/** Element Plus tag types, so a status reads the same colour everywhere. */
export function statusTagType(status: string): 'primary' | 'success' | 'warning' | 'info' | 'danger' {
  switch (status) {
    case 'waiting_requester':
      return 'warning'
    case 'resolved':
      return 'success'
    case 'closed':
      return 'info'
    default:
      return 'primary'
  }
}

export function slaLabel(state: string): string {
  return (words.sla as Record<string, string>)[state] ?? state
}

/** The colour of an SLA state: green, amber, red. */
export function slaTagType(state: string): 'success' | 'warning' | 'danger' {
  if (state === 'breached') return 'danger'
  if (state === 'warning') return 'warning'
  return 'success'
}

export type TicketAction =
  | 'take'
  | 'start'
  | 'comment'
  | 'wait'
  | 'resume'
  | 'coordinate'
  | 'resolve'
  | 'confirm'
  | 'transfer'

/** The actions that need words written in a form (the others need only a yes). */
export type FormAction = Exclude<TicketAction, 'take' | 'start' | 'resume'> | 'complete'

const UNSTARTED: TicketStatus[] = ['new', 'reopened']
const ACTIVE: TicketStatus[] = ['new', 'in_progress', 'reopened']
const DEPARTMENT_STAFF = ['agent', 'dept_head']

function hasAny(viewer: Viewer, ...roles: string[]): boolean {
  return viewer.roles.some((role) => roles.includes(role))
}

function onlyReads(viewer: Viewer): boolean {
  return viewer.roles.length > 0 && viewer.roles.every((role) => role === 'auditor')
}

/** The requester's own unit, or the owner taking the requester's word (by phone). */
export function speaksForRequester(viewer: Viewer, ticket: TicketFacts): boolean {
  if (ticket.owner !== null && viewer.id === ticket.owner) return true
  return (
    hasAny(viewer, 'unit_staff') &&
    !!viewer.unit_id &&
    viewer.unit_id === ticket.requester_unit_id
  )
}

export function worksIn(viewer: Viewer, department: string): boolean {
  return hasAny(viewer, ...DEPARTMENT_STAFF) && viewer.department === department
}

/** The actions the service allows `viewer` on `ticket` in its present state, in the
 *  order the page offers them. */
export function availableActions(ticket: TicketFacts, viewer: Viewer): TicketAction[] {
  const actions: TicketAction[] = []
  const owns = ticket.owner !== null && viewer.id === ticket.owner
  const status = ticket.status
  if (ticket.owner === null && status === 'new' && worksIn(viewer, ticket.department)) {
    actions.push('take')
  }
  if (owns && UNSTARTED.includes(status)) actions.push('start')
  if (owns && [...ACTIVE, 'waiting_requester'].includes(status)) actions.push('resolve')
  if (owns && ACTIVE.includes(status)) actions.push('wait')
  if (status === 'waiting_requester' && (owns || speaksForRequester(viewer, ticket))) {
    actions.push('resume')
  }
  if (owns && [...ACTIVE, 'waiting_requester'].includes(status)) actions.push('coordinate')
  if (status === 'resolved' && speaksForRequester(viewer, ticket)) actions.push('confirm')
  // An untaken request has nobody to hand on from: its head takes it instead.
  if (
    status !== 'closed' &&
    ticket.owner !== null &&
    hasAny(viewer, 'dept_head') &&
    viewer.department === ticket.department
  ) {
    actions.push('transfer')
  }
  if (status !== 'closed' && !onlyReads(viewer)) actions.push('comment')
  return actions
}

/** Whether `viewer` may complete a department's open coordination on a ticket. */
export function mayCompleteCoordination(
  coordination: { department: string; status: string },
  ticket: Pick<TicketFacts, 'owner'>,
  viewer: Viewer,
): boolean {
  if (coordination.status !== 'open') return false
  return (ticket.owner !== null && viewer.id === ticket.owner) || worksIn(viewer, coordination.department)
}

/** The next moment the ticket's department must meet: the response deadline until
 *  someone has responded, then the resolution deadline while the clock runs. None for a
 *  ticket paused on the requester, resolved or closed. */
export function nextDeadline(ticket: TicketFacts): string | null {
  const running = ACTIVE.includes(ticket.status)
  const candidates: string[] = []
  if (ticket.responded_at === null && ticket.response_due_at !== null && running) {
    candidates.push(ticket.response_due_at)
  }
  if (running && ticket.resolve_due_at !== null) candidates.push(ticket.resolve_due_at)
  if (candidates.length === 0) return null
  return candidates.reduce((earliest, next) => (Date.parse(next) < Date.parse(earliest) ? next : earliest))
}

