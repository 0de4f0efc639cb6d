import { describe, expect, it } from 'vitest'
import { gaugeMax, percentOfStandard, slideAfterKey, standardByRank, sumYuan } from '@/present/slides'

describe('the presentation', () => {
  it('moves by keyboard and clicker, and stops at either end', () => {
    expect(slideAfterKey('PageDown', 0, 3)).toBe(1)
    expect(slideAfterKey('ArrowRight', 2, 3)).toBe(2)
    expect(slideAfterKey('PageUp', 0, 3)).toBe(0)
    expect(slideAfterKey('End', 0, 7)).toBe(6)
    expect(slideAfterKey('Home', 5, 7)).toBe(0)
    expect(slideAfterKey('x', 1, 3)).toBeNull()
  })

  it('draws the office area as a share of the standard', () => {
    expect(percentOfStandard(100, 78)).toBe(128.2)
    expect(percentOfStandard(0, 0)).toBe(0)
    expect(percentOfStandard(20, 0)).toBe(100)
    expect(gaugeMax(128.2)).toBe(150)
    expect(gaugeMax(260)).toBe(300)
  })

  it('gives each rank with people its standard area', () => {
    const lines = [
      { label: '正职', headcount: 1, area_per_person: 30 },
      { label: '副职', headcount: 0, area_per_person: 24 },
      { label: '其他', headcount: 4, area_per_person: 9 },
    ]
    expect(standardByRank(lines)).toEqual([
      { label: '正职', area: 30 },
      { label: '其他', area: 36 },
    ])
  })

  it('adds yuan to the cent', () => {
    expect(sumYuan(['0.10', '0.20', null])).toBe(0.3)
  })
})
