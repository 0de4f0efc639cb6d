import { knownPeople } from '@/tickets/colleagues'
import { describe, expect, it } from 'vitest'
import {
  actorLabel,
  eventActorLabel,
  eventDetail,
  eventLabel,
  formatMoment,
  personLabel,
  ratingLabel,
  ratingPath,
  resolveDueText,
  resolveTimeLabel,
  responseDueText,
  responseTimeLabel,
} from '@/tickets/format'

describe('moments', () => {
  it('are shown on Beijing time whatever the browser’s zone', () => {
    expect(formatMoment('2026-12-07T01:30:00Z')).toBe('2026-12-07 09:30')
    expect(formatMoment('2026-12-07T16:05:00Z')).toBe('2026-12-08 00:05')
  })

  it('a missing moment is a dash', () => {
    expect(formatMoment(null)).toBe('—')
  })
})

describe('time limits in working time', () => {
  it('response in minutes under two hours, else in hours', () => {
    expect(responseTimeLabel(30)).toBe('30 个工作分钟')
    expect(responseTimeLabel(90)).toBe('90 个工作分钟')
    expect(responseTimeLabel(240)).toBe('4 个工作小时')
    expect(responseTimeLabel(150)).toBe('150 个工作分钟')
  })

  it('resolution in working hours', () => {
    expect(resolveTimeLabel(16)).toBe('16 个工作小时')
  })
})

describe('people', () => {
  it('nobody yet, me, or a staff member by the start of their id', () => {
    expect(personLabel(null, 'me-1')).toBe('尚未受理')
    expect(personLabel('me-1', 'me-1')).toBe('我')
    expect(personLabel('0f3a9c21-aaaa-bbbb', 'me-1')).toBe('工作人员 0f3a9c21')
    expect(actorLabel(null, 'me-1')).toBe('系统')
  })

  it('names the colleagues the reader may look up, and hides ids from a unit’s staff', () => {
    const colleagues = knownPeople([{ id: 'u-2', display_name: '李四', department: 'd', roles: ['agent'] }], 'names')
    expect(personLabel('u-2', 'me-1', colleagues)).toBe('李四')
    expect(personLabel('0f3a9c21-aaaa', 'me-1', colleagues)).toBe('工作人员 0f3a9c21')
    expect(personLabel('u-2', 'me-1', knownPeople([], 'staff'))).toBe('工作人员')
    expect(actorLabel('u-2', 'me-1', colleagues)).toBe('李四')
  })
})

describe('history lines', () => {
  it('name their kind in Chinese', () => {
    expect(eventLabel('taken')).toBe('受理')
    expect(eventLabel('resolved')).toBe('办结')
  })

  it('say what was written', () => {
    expect(eventDetail('commented', { body: '请尽快' })).toBe('请尽快')
    expect(eventDetail('resolved', { resolution: '已更换滤网' })).toBe('已更换滤网')
    expect(eventDetail('coordinated', { department: '后勤服务处', note: '送配件' })).toBe('后勤服务处：送配件')
    expect(eventDetail('confirmed', { satisfied: true, rating: 5, comment: '很快' })).toBe('满意，非常满意：很快')
    expect(eventDetail('confirmed', { satisfied: false, rating: 2, comment: null })).toBe('不满意，不满意')
    expect(eventDetail('confirmed', { automatic: true })).toBe('申请人未在期限内确认，系统自动确认')
    expect(eventDetail('started', {})).toBe('')
  })

  it('ratings by their five levels', () => {
    expect([5, 4, 3, 2, 1].map(ratingLabel)).toEqual(['非常满意', '满意', '基本满意', '不满意', '非常不满意'])
  })
})

describe('the rating page', () => {
  it('is /rate/{code}, the code kept intact', () => {
    expect(ratingPath('Ab-9_x')).toBe('/rate/Ab-9_x')
  })
})

describe('time limits in a list', () => {
  const open = { status: 'in_progress', sla_paused: false, resolved_at: null, resolve_due_at: '2026-12-08T01:00:00Z' }

  it('response: the deadline, then when it was met', () => {
    expect(responseDueText({ responded_at: null, response_due_at: '2026-12-07T01:30:00Z' })).toBe('2026-12-07 09:30')
    expect(responseDueText({ responded_at: '2026-12-07T01:10:00Z', response_due_at: '2026-12-07T01:30:00Z' })).toBe(
      '已于 2026-12-07 09:10 响应',
    )
  })

  it('resolution: the deadline, paused while waiting, when it was resolved', () => {
    expect(resolveDueText(open)).toBe('2026-12-08 09:00')
    expect(resolveDueText({ ...open, status: 'waiting_requester', sla_paused: true, resolve_due_at: null })).toBe('计时暂停')
    expect(resolveDueText({ ...open, status: 'closed', resolved_at: '2026-12-07T08:00:00Z' })).toBe('已于 2026-12-07 16:00 办结')
  })
})

describe('who did a line of history', () => {
  const ticket = { first_receiver: 'agent-1', owner: 'agent-1', requester: { name: '李明' } }

  it('the requester who filed it, by name; the desk’s own staff by id', () => {
    expect(eventActorLabel({ kind: 'created', actor: 'staff-1' }, ticket, 'agent-1')).toBe('申请人 李明')
    expect(eventActorLabel({ kind: 'created', actor: 'agent-1' }, ticket, 'agent-2')).toBe('工作人员 agent-1')
    expect(eventActorLabel({ kind: 'created', actor: 'staff-1' }, ticket, 'staff-1')).toBe('我')
  })

  it('an answer or a confirmation by someone other than the owner is the requester’s unit', () => {
    expect(eventActorLabel({ kind: 'confirmed', actor: 'staff-2' }, ticket, 'agent-1')).toBe('申请单位')
    expect(eventActorLabel({ kind: 'resumed', actor: 'agent-1' }, ticket, 'staff-1')).toBe('工作人员 agent-1')
    expect(eventActorLabel({ kind: 'commented', actor: 'staff-2' }, ticket, 'agent-1')).toBe('工作人员 staff-2')
    expect(eventActorLabel({ kind: 'closed', actor: null }, ticket, 'agent-1')).toBe('系统')
  })
})
