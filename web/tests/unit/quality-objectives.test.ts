import { describe, expect, it } from 'vitest'
import { maySetObjectives, monthLabel, percent, standingOf, trendSeries } from '@/quality/objectives'

describe('quality objectives', () => {
  it('says met, missed, or nothing to judge yet', () => {
    expect(standingOf(true)).toBe('met')
    expect(standingOf(false)).toBe('missed')
    expect(standingOf(null)).toBe('none')
  })

  it('reads percentages and months as people do', () => {
    expect(percent(95)).toBe('95%')
    expect(percent(87.54)).toBe('87.5%')
    expect(percent(null)).toBe('—')
    expect(monthLabel('2026-03')).toBe('3月')
    expect(monthLabel('2026-12')).toBe('12月')
  })

  it('draws a month with nothing counted as a gap', () => {
    const month = (m: string, value: number | null) => ({ month: m, counted: value === null ? 0 : 1, met_count: 0, value, met: null, ended: true })
    expect(trendSeries([month('2026-01', 90), month('2026-02', null)])).toEqual({ months: ['1月', '2月'], values: [90, null] })
  })

  it('lets a leader, an admin and the quality office set objectives', () => {
    expect(maySetObjectives({ id: 'l', roles: ['leader'], department: '局领导' }, '质量管理办公室')).toBe(true)
    expect(maySetObjectives({ id: 'a', roles: ['admin'], department: null }, null)).toBe(true)
    expect(maySetObjectives({ id: 'q', roles: ['agent'], department: '质量管理办公室' }, '质量管理办公室')).toBe(true)
    expect(maySetObjectives({ id: 'h', roles: ['dept_head'], department: '后勤处' }, '质量管理办公室')).toBe(false)
  })
})
