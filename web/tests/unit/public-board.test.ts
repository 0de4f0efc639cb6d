import { describe, expect, it } from 'vitest'
import {
  afterFailure,
  afterLoad,
  clampPage,
  DEFAULT_ROTATION_SECONDS,
  FRESH,
  isStale,
  nextPage,
  pageBoard,
  rotationSeconds,
  rowsThatFit,
  sortForBoard,
  type BoardCommitment,
} from '@/public/board'

function commitment(department: string, name: string): BoardCommitment {
  return { id: `${department}/${name}`, department, name, response_minutes: 120, resolve_hours: 8 }
}

const shape = (pages: ReturnType<typeof pageBoard>) =>
  pages.map((page) =>
    page.map((group) => [
      group.department + (group.continued ? '（续）' : ''),
      group.commitments.map((c) => c.name),
    ]),
  )

describe('the board puts commitments on screenfuls', () => {
  it('groups by department, each department in Chinese reading order and its commitments by name', () => {
    const sorted = sortForBoard([
      commitment('物业管理处', '维修'),
      commitment('车辆管理处', '派车'),
      commitment('物业管理处', '保洁'),
    ])
    expect(sorted.map((c) => `${c.department}:${c.name}`)).toEqual([
      '车辆管理处:派车',
      '物业管理处:保洁',
      '物业管理处:维修',
    ])
  })

  it('counts a heading as a row and fills a screenful before the next', () => {
    const pages = pageBoard(
      [commitment('甲', 'a1'), commitment('甲', 'a2'), commitment('乙', 'b1'), commitment('乙', 'b2')],
      6,
    )
    expect(shape(pages)).toEqual([
      [
        ['甲', ['a1', 'a2']],
        ['乙', ['b1', 'b2']],
      ],
    ])
  })

  it('carries a department over to the next screenful under its heading again, marked continued', () => {
    const pages = pageBoard([commitment('甲', 'a1'), commitment('甲', 'a2'), commitment('甲', 'a3')], 3)
    expect(shape(pages)).toEqual([[['甲', ['a1', 'a2']]], [['甲（续）', ['a3']]]])
  })

  it('never leaves a heading alone on the last row', () => {
    const pages = pageBoard([commitment('甲', 'a1'), commitment('甲', 'a2'), commitment('乙', 'b1')], 4)
    expect(shape(pages)).toEqual([[['甲', ['a1', 'a2']]], [['乙', ['b1']]]])
  })

  it('puts everything on one screenful when the rows are unbounded (the phone\'s list)', () => {
    const pages = pageBoard([commitment('甲', 'a1'), commitment('乙', 'b1'), commitment('乙', 'b2')], Infinity)
    expect(shape(pages)).toEqual([
      [
        ['甲', ['a1']],
        ['乙', ['b1', 'b2']],
      ],
    ])
  })

  it('has no screenful when nothing is published', () => {
    expect(pageBoard([], 10)).toEqual([])
  })

  it('fits at least a heading and a commitment on any screen', () => {
    expect(rowsThatFit(700, 70)).toBe(10)
    expect(rowsThatFit(50, 70)).toBe(2)
  })
})

describe('the board turns its screenfuls', () => {
  it('goes to the next screenful and back to the first after the last', () => {
    expect(nextPage(0, 3)).toBe(1)
    expect(nextPage(2, 3)).toBe(0)
    expect(nextPage(0, 0)).toBe(0)
  })

  it('starts again at the first when a refresh leaves fewer screenfuls than the one shown', () => {
    expect(clampPage(1, 3)).toBe(1)
    expect(clampPage(3, 2)).toBe(0)
  })

  it('takes the seconds a screenful stays from the address, within bounds', () => {
    expect(rotationSeconds('30')).toBe(30)
    expect(rotationSeconds(['20'])).toBe(20)
    expect(rotationSeconds('1')).toBe(5)
    expect(rotationSeconds('99999')).toBe(600)
    expect(rotationSeconds(undefined)).toBe(DEFAULT_ROTATION_SECONDS)
    expect(rotationSeconds('abc')).toBe(DEFAULT_ROTATION_SECONDS)
    expect(rotationSeconds('-5')).toBe(DEFAULT_ROTATION_SECONDS)
  })
})

describe('the board knows whether its data is current', () => {
  const loaded = afterLoad(new Date('2026-12-06T02:05:00Z'))

  it('is not stale before anything loaded, nor after a load', () => {
    expect(isStale(FRESH)).toBe(false)
    expect(isStale(loaded)).toBe(false)
  })

  it('is stale when a refresh fails after a load, and keeps when it loaded', () => {
    const failed = afterFailure(loaded)
    expect(isStale(failed)).toBe(true)
    expect(failed.loadedAt).toEqual(loaded.loadedAt)
  })

  it('is current again after the next good refresh', () => {
    expect(isStale(afterLoad(new Date('2026-12-06T02:06:00Z')))).toBe(false)
  })

  it('has nothing to call stale when the first load fails', () => {
    expect(isStale(afterFailure(FRESH))).toBe(false)
  })
})
