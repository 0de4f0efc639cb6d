import { describe, expect, it } from 'vitest'
import { awayProblems, emptyAwayForm, holds, markBody } from '@/emergency/availability'
import { lineActor, whyAssigned } from '@/emergency/board'
import { emptyFindingRow, findingBodies, findingProblems, ledgerItemOf, type LedgerItem } from '@/emergency/findings'
import { attendanceOf, peopleIn } from '@/emergency/trainings'

const NOW = new Date('2026-12-08T02:00:00Z')

describe('marking someone out of reach', () => {
  it('asks for the kind of absence, a word of why for 其他, and an end still to come', () => {
    expect(awayProblems(emptyAwayForm(), NOW)).toEqual({ kind: 'kindRequired' })
    expect(awayProblems({ kind: 'other', note: ' ', until: '' }, NOW)).toEqual({ note: 'noteRequired' })
    expect(awayProblems({ kind: 'leave', note: '', until: '2026-12-08T09:59:00+08:00' }, NOW)).toEqual({ until: 'untilPast' })
    expect(awayProblems({ kind: 'ill', note: '', until: '2026-12-09T18:00:00+08:00' }, NOW)).toEqual({})
  })

  it('keeps the kind and the note as one reason, and an end only when one is given', () => {
    expect(markBody('u1', { kind: 'business', note: ' 赴省厅开会 ', until: '2026-12-10T18:00:00+08:00' }, '出差')).toEqual({
      user_id: 'u1',
      reason: '出差：赴省厅开会',
      unavailable_until: '2026-12-10T18:00:00+08:00',
    })
    expect(markBody('u1', { kind: 'ill', note: '', until: '' }, '病假')).toEqual({ user_id: 'u1', reason: '病假' })
  })

  it('holds until its end, or for good without one', () => {
    expect(holds({ unavailable_until: null }, NOW)).toBe(true)
    expect(holds({ unavailable_until: '2026-12-08T02:00:01Z' }, NOW)).toBe(true)
    expect(holds({ unavailable_until: '2026-12-08T02:00:00Z' }, NOW)).toBe(false)
  })
})

describe('why a task went to whom it did', () => {
  it('names the deputy standing in for a holder out of reach, a role without holder, nobody', () => {
    expect(whyAssigned({ assigned_because: 'holder' })).toBeNull()
    expect(whyAssigned({ assigned_because: 'deputy_for_unavailable_holder' })).toBe('deputyForAway')
    expect(whyAssigned({ assigned_because: 'deputy_for_missing_holder' })).toBe('deputyForNoHolder')
    expect(whyAssigned({ assigned_because: 'nobody_available' })).toBe('nobodyAvailable')
  })
})

describe('a drill’s findings, row by row', () => {
  it('records the rows with something found, trimmed, with only the parts given', () => {
    const rows = [
      { finding: ' 疏散指示灯损坏 ', department: '物业管理处', severity: 'critical' as const, evaluator: '' },
      emptyFindingRow(),
      { finding: '广播覆盖不到地下一层', department: ' ', severity: '' as const, evaluator: '李评估' },
    ]
    expect(findingProblems(rows)).toEqual([])
    expect(findingBodies(rows)).toEqual([
      { finding: '疏散指示灯损坏', department: '物业管理处', severity: 'critical' },
      { finding: '广播覆盖不到地下一层', evaluator: '李评估' },
    ])
  })

  it('finds fault with a row that names a department or severity but not what was found', () => {
    expect(findingProblems([emptyFindingRow(), { ...emptyFindingRow(), department: '保卫处' }, { ...emptyFindingRow(), severity: 'minor' }])).toEqual([1, 2])
  })

  it('links a follow-up to the ledger item whose target it is', () => {
    const item = (id: string, target: string) => ({ id, target }) as LedgerItem
    const items = [item('a', '【演练】应急照明不足'), item('b', '【演练】疏散指示灯损坏')]
    expect(ledgerItemOf('【演练】疏散指示灯损坏', items)?.id).toBe('b')
    expect(ledgerItemOf('【演练】广播覆盖不到地下一层', items)).toBeUndefined()
  })
})

describe('a training’s attendance', () => {
  it('lists each department it was for, those that sent nobody at 0, then those that came unasked', () => {
    const attendance = attendanceOf({
      audience_departments: ['物业管理处', '保卫处'],
      participants: [
        { department: '办公室', people: 2 },
        { department: '物业管理处', people: 12 },
      ],
    })
    expect(attendance).toEqual([
      { department: '物业管理处', people: 12, invited: true },
      { department: '保卫处', people: 0, invited: true },
      { department: '办公室', people: 2, invited: false },
    ])
    expect(peopleIn(attendance)).toBe(14)
  })

  it('shows a training not yet held as its audience with nobody counted', () => {
    expect(attendanceOf({ audience_departments: ['保卫处'], participants: null })).toEqual([{ department: '保卫处', people: 0, invited: true }])
  })
})

describe('who made a line of the timeline', () => {
  it('names the person, says the system did it, or says nothing where the unit view withheld it', () => {
    expect(lineActor({ actor: 'u1', withheld: [] })).toEqual({ person: 'u1' })
    expect(lineActor({ actor: null, withheld: [] })).toBe('system')
    expect(lineActor({ actor: null, withheld: ['actor', 'task_id', 'data.reason'] })).toBe('withheld')
  })
})
