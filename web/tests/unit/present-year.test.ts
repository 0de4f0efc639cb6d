import { describe, expect, it } from 'vitest'
import { busiestFirst, daysOfYear, drillsOfYear, presentedYear } from '@/present/year'

describe('presentedYear', () => {
  it('takes the year asked for, else this one, never a future one or a bad one', () => {
    expect(presentedYear('2025', '2026-12-08')).toBe(2025)
    expect(presentedYear(undefined, '2026-12-08')).toBe(2026)
    expect(presentedYear('2027', '2026-12-08')).toBe(2026)
    expect(presentedYear('1999', '2026-12-08')).toBe(2026)
    expect(presentedYear('20x6', '2026-12-08')).toBe(2026)
    expect(presentedYear(['2025'], '2026-12-08')).toBe(2026)
  })
})

describe('daysOfYear', () => {
  it('is this year so far, or a past year whole', () => {
    expect(daysOfYear(2026, '2026-12-08')).toEqual({ from: '2026-01-01', to: '2026-12-08' })
    expect(daysOfYear(2025, '2026-12-08')).toEqual({ from: '2025-01-01', to: '2025-12-31' })
  })
})

describe('busiestFirst', () => {
  it('orders the departments with tickets by their number, the idle ones left out', () => {
    const row = (department: string, tickets: number) => ({ department, tickets }) as unknown as Parameters<typeof busiestFirst>[0][number]
    expect(busiestFirst([row('乙处', 3), row('甲处', 0), row('丙处', 9), row('丁处', 3)]).map((line) => line.department)).toEqual([
      '丙处',
      '丁处',
      '乙处',
    ])
  })
})

describe('drillsOfYear', () => {
  const drill = (id: string, scheduled_at: string, held: boolean, score: number | null, year: number | null = null) =>
    ({ id, plan_id: 'p', scenario: id, scheduled_at, status: 'scheduled', score, held_at: held ? scheduled_at : null, year }) as Parameters<
      typeof drillsOfYear
    >[0][number]

  it('counts a drill in the bureau year it was held in, else the one it is planned for (Beijing time)', () => {
    const drills = [
      drill('new-year-morning', '2025-12-31T17:30:00Z', false, null), // 2026-01-01 01:30 in Beijing
      drill('held', '2026-05-10T02:00:00Z', true, 90, 2026),
      drill('scored', '2026-06-10T02:00:00Z', true, 81, 2026),
      drill('last-year', '2025-06-10T02:00:00Z', true, 70, 2025),
    ]
    const year = drillsOfYear(drills, 2026)
    expect(year.drills.map((one) => one.id)).toEqual(['new-year-morning', 'held', 'scored'])
    expect(year.held).toBe(2)
    expect(year.meanScore).toBe(85.5)
  })

  it('has no mean score when none was scored', () => {
    expect(drillsOfYear([drill('planned', '2026-05-10T02:00:00Z', false, null)], 2026).meanScore).toBeNull()
  })
})
