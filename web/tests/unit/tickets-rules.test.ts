import { describe, expect, it } from 'vitest'
import {
  availableActions,
  mayCompleteCoordination,
  nextDeadline,
  slaLabel,
  slaTagType,
  statusLabel,
  statusTagType,
  type TicketFacts,
  type TicketStatus,
  type Viewer,
} from '@/tickets/rules'

const OWNER = 'owner-1'
const UNIT = 'unit-1'

function ticket(overrides: Partial<TicketFacts> = {}): TicketFacts {
  return {
    status: 'in_progress',
    department: '物业管理处',
    owner: OWNER,
    requester_unit_id: UNIT,
    responded_at: '2026-12-07T01:00:00Z',
    response_due_at: '2026-12-07T01:30:00Z',
    resolve_due_at: '2026-12-08T01:00:00Z',
    ...overrides,
  }
}

const owner: Viewer = { id: OWNER, roles: ['agent'], department: '物业管理处' }
const colleague: Viewer = { id: 'agent-2', roles: ['agent'], department: '物业管理处' }
const head: Viewer = { id: 'head-1', roles: ['dept_head'], department: '物业管理处' }
const otherHead: Viewer = { id: 'head-2', roles: ['dept_head'], department: '后勤服务处' }
const requester: Viewer = { id: 'staff-1', roles: ['unit_staff'], unit_id: UNIT }
const otherUnit: Viewer = { id: 'staff-2', roles: ['unit_staff'], unit_id: 'unit-2' }
const auditor: Viewer = { id: 'auditor-1', roles: ['auditor'] }

describe('status and SLA words', () => {
  it('names every status in Chinese', () => {
    const names: Record<TicketStatus, string> = {
      new: '待受理',
      in_progress: '办理中',
      waiting_requester: '等待申请人补充',
      resolved: '已办结，待确认',
      reopened: '已重新办理',
      closed: '已关闭',
    }
    for (const [status, name] of Object.entries(names)) expect(statusLabel(status)).toBe(name)
  })

  it('shows a status new to the console as it is', () => {
    expect(statusLabel('archived')).toBe('archived')
  })

  it('colours statuses: waiting amber, resolved green, closed grey', () => {
    expect(statusTagType('waiting_requester')).toBe('warning')
    expect(statusTagType('resolved')).toBe('success')
    expect(statusTagType('closed')).toBe('info')
    expect(statusTagType('new')).toBe('primary')
  })

  it('colours the SLA state green, amber, red', () => {
    expect(slaTagType('ok')).toBe('success')
    expect(slaTagType('warning')).toBe('warning')
    expect(slaTagType('breached')).toBe('danger')
    expect(slaLabel('ok')).toBe('按时')
    expect(slaLabel('warning')).toBe('临近时限')
    expect(slaLabel('breached')).toBe('已超时')
  })
})

describe('which actions show', () => {
  it('an untaken request: its department takes it, its unit comments, nobody else acts', () => {
    const untaken = ticket({ status: 'new', owner: null, responded_at: null })
    expect(availableActions(untaken, colleague)).toEqual(['take', 'comment'])
    expect(availableActions(untaken, head)).toEqual(['take', 'comment'])
    expect(availableActions(untaken, otherHead)).toEqual(['comment'])
    expect(availableActions(untaken, requester)).toEqual(['comment'])
  })

  it('a new ticket: the owner starts, resolves, waits, coordinates; the head transfers', () => {
    const fresh = ticket({ status: 'new', responded_at: null })
    expect(availableActions(fresh, owner)).toEqual(['start', 'resolve', 'wait', 'coordinate', 'comment'])
    expect(availableActions(fresh, head)).toEqual(['transfer', 'comment'])
    expect(availableActions(fresh, otherHead)).toEqual(['comment'])
  })

  it('in progress: no start; the requester only comments', () => {
    expect(availableActions(ticket(), owner)).toEqual(['resolve', 'wait', 'coordinate', 'comment'])
    expect(availableActions(ticket(), requester)).toEqual(['comment'])
    expect(availableActions(ticket(), colleague)).toEqual(['comment'])
  })

  it('waiting on the requester: the owner or the requester resumes, nobody waits again', () => {
    const waiting = ticket({ status: 'waiting_requester' })
    expect(availableActions(waiting, owner)).toEqual(['resolve', 'resume', 'coordinate', 'comment'])
    expect(availableActions(waiting, requester)).toEqual(['resume', 'comment'])
    expect(availableActions(waiting, otherUnit)).toEqual(['comment'])
  })

  it('resolved: the requester (or the owner on their word) confirms', () => {
    const resolved = ticket({ status: 'resolved' })
    expect(availableActions(resolved, requester)).toEqual(['confirm', 'comment'])
    expect(availableActions(resolved, owner)).toEqual(['confirm', 'comment'])
    expect(availableActions(resolved, colleague)).toEqual(['comment'])
    expect(availableActions(resolved, head)).toEqual(['transfer', 'comment'])
  })

  it('reopened: the owner starts again', () => {
    expect(availableActions(ticket({ status: 'reopened' }), owner)).toEqual([
      'start',
      'resolve',
      'wait',
      'coordinate',
      'comment',
    ])
  })

  it('closed: nothing at all', () => {
    const closed = ticket({ status: 'closed' })
    for (const viewer of [owner, head, requester]) expect(availableActions(closed, viewer)).toEqual([])
  })

  it('an auditor reads and never acts', () => {
    expect(availableActions(ticket(), auditor)).toEqual([])
  })

  it('a coordination is completed by its department or the owner, while open', () => {
    const part = { department: '后勤服务处', status: 'open' }
    const helper: Viewer = { id: 'agent-9', roles: ['agent'], department: '后勤服务处' }
    expect(mayCompleteCoordination(part, ticket(), helper)).toBe(true)
    expect(mayCompleteCoordination(part, ticket(), owner)).toBe(true)
    expect(mayCompleteCoordination(part, ticket(), colleague)).toBe(false)
    expect(mayCompleteCoordination({ ...part, status: 'completed' }, ticket(), helper)).toBe(false)
  })
})

describe('deadlines', () => {
  it('before a response, the sooner of the two clocks', () => {
    const unanswered = ticket({ status: 'new', responded_at: null })
    expect(nextDeadline(unanswered)).toBe('2026-12-07T01:30:00Z')
  })

  it('after the response, the resolution deadline', () => {
    expect(nextDeadline(ticket())).toBe('2026-12-08T01:00:00Z')
  })

  it('none while paused on the requester, nor once resolved or closed', () => {
    expect(nextDeadline(ticket({ status: 'waiting_requester', resolve_due_at: null }))).toBeNull()
    expect(nextDeadline(ticket({ status: 'resolved' }))).toBeNull()
    expect(nextDeadline(ticket({ status: 'closed' }))).toBeNull()
  })

})
