import { describe, expect, it } from 'vitest'
import { countdownText, msToDeputy, nextReportDue, tasksByRole, type Report, type Task } from '@/emergency/board'
import { LEVEL_COLOURS, LEVELS, isRaise, otherLevels } from '@/emergency/levels'

function task(fields: Partial<Task>): Task {
  return {
    id: 't',
    incident_id: 'i',
    level: 'III',
    step: 1,
    role: 'commander',
    role_title: '总指挥',
    holder: 'u1',
    assignee: 'u1',
    deputy: 'u2',
    assigned_because: 'holder',
    action: '启动响应',
    within_minutes: 15,
    created_at: '2026-12-07T01:00:00Z',
    due_at: '2026-12-07T01:15:00Z',
    assigned_at: '2026-12-07T01:00:00Z',
    ack_due_at: '2026-12-07T01:10:00Z',
    acknowledged_at: null,
    status: 'assigned',
    escalated: false,
    escalated_at: null,
    overdue_at: null,
    completed_at: null,
    completed_by: null,
    note: null,
    cancelled_at: null,
    is_drill: false,
    ...fields,
  } as Task
}

describe('the tasks by role', () => {
  it('keeps each role together, roles in the order of their first step', () => {
    const groups = tasksByRole([
      task({ id: 'a', role: 'guard', role_title: '疏散组', step: 2 }),
      task({ id: 'b', role: 'commander', step: 1 }),
      task({ id: 'c', role: 'guard', role_title: '疏散组', step: 3 }),
    ])
    expect(groups.map((group) => [group.title, group.tasks.map((t) => t.id)])).toEqual([
      ['总指挥', ['b']],
      ['疏散组', ['a', 'c']],
    ])
  })

  it('names a role by its code when the plan gave it no title', () => {
    expect(tasksByRole([task({ role: 'medic', role_title: '' })])[0]!.title).toBe('medic')
  })
})

describe('the timer to the deputy', () => {
  const now = new Date('2026-12-07T01:07:30Z')

  it('runs while an assigned task waits for its acknowledgement', () => {
    expect(msToDeputy(task({}), now)).toBe(150_000)
  })

  it('stops at zero once the deadline has passed', () => {
    expect(msToDeputy(task({ ack_due_at: '2026-12-07T01:05:00Z' }), now)).toBe(0)
  })

  it('does not run for a task acknowledged, done or with nobody on it', () => {
    for (const status of ['acknowledged', 'completed', 'cancelled', 'unassigned'] as const) {
      expect(msToDeputy(task({ status }), now)).toBeNull()
    }
    expect(msToDeputy(task({ ack_due_at: null }), now)).toBeNull()
  })

  it('reads as minutes and seconds, hours only beyond one', () => {
    expect(countdownText(150_000)).toBe('2:30')
    expect(countdownText(400)).toBe('0:01')
    expect(countdownText(0)).toBe('0:00')
    expect(countdownText(3_725_000)).toBe('1:02:05')
  })
})

describe('the next report upward', () => {
  function report(fields: Partial<Report>): Report {
    return {
      id: 'r',
      incident_id: 'i',
      number: 0,
      kind: 'initial',
      level: 'III',
      due_at: null,
      submitted_at: null,
      submitted_by: null,
      content: null,
      overdue_at: null,
      cancelled_at: null,
      ...fields,
    }
  }

  it('is the earliest owed one, not one submitted or cancelled', () => {
    const reports = [
      report({ id: 'done', due_at: '2026-12-07T01:00:00Z', submitted_at: '2026-12-07T00:50:00Z' }),
      report({ id: 'dropped', due_at: '2026-12-07T01:10:00Z', cancelled_at: '2026-12-07T00:55:00Z' }),
      report({ id: 'later', due_at: '2026-12-07T03:00:00Z' }),
      report({ id: 'next', due_at: '2026-12-07T02:00:00Z' }),
    ]
    expect(nextReportDue(reports)?.id).toBe('next')
    expect(nextReportDue(reports.slice(0, 2))).toBeNull()
  })
})

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}

describe('the grades', () => {
  it('are legible on their own colour (WCAG AA, 4.5 : 1)', () => {
    for (const level of LEVELS) {
      const { background, text } = LEVEL_COLOURS[level]
      const [light, dark] = [luminance(background), luminance(text)].sort((a, b) => b - a)
      expect((light! + 0.05) / (dark! + 0.05), level).toBeGreaterThanOrEqual(4.5)
    }
  })

  it('are raised towards I and lowered towards IV', () => {
    expect(isRaise('III', 'II')).toBe(true)
    expect(isRaise('II', 'IV')).toBe(false)
    expect(otherLevels('II')).toEqual(['I', 'III', 'IV'])
  })
})

describe('who may do what', () => {
  it('lets commanders and leaders steer a response, nobody else', async () => {
    const { maySteer, mayReadStaffParts, mayKeepPlans, mayKeepTypes, mayWriteDrills } = await import('@/emergency/rules')
    expect(maySteer(['commander'])).toBe(true)
    expect(maySteer(['leader'])).toBe(true)
    expect(maySteer(['admin', 'dept_head'])).toBe(false)
    expect(mayReadStaffParts(['agent'])).toBe(true)
    expect(mayReadStaffParts(['unit_staff'])).toBe(false)
    expect(mayKeepPlans(['leader'])).toBe(true)
    expect(mayKeepPlans(['commander'])).toBe(false)
    expect(mayKeepTypes(['admin'])).toBe(true)
    expect(mayKeepTypes(['leader'])).toBe(false)
    expect(mayWriteDrills(['commander'])).toBe(true)
    expect(mayWriteDrills(['auditor', 'agent'])).toBe(false)
  })
})

describe('the participants typed in', () => {
  it('are the rows naming a department, trimmed', async () => {
    const { filledIn } = await import('@/emergency/participants')
    expect(
      filledIn([
        { department: ' 物业管理处 ', people: 12 },
        { department: '  ', people: 3 },
        { department: '保卫处', people: 0 },
      ]),
    ).toEqual([
      { department: '物业管理处', people: 12 },
      { department: '保卫处', people: 0 },
    ])
  })
})

describe('the departments typed for a training', () => {
  it('are split at 、, commas and spaces, each once', async () => {
    const { departmentList } = await import('@/emergency/participants')
    expect(departmentList(' 物业管理处、保卫处，办公室 保卫处 ')).toEqual(['物业管理处', '保卫处', '办公室'])
    expect(departmentList('')).toEqual([])
  })
})
