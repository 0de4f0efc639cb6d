import { describe, expect, it } from 'vitest'
import { bureauClock, bureauDay, calendarDay } from '@/public/bureauTime'
import { responseSpan } from '@/public/workingTime'

describe('working time limits are said in their largest whole unit', () => {
  it('says whole hours as hours', () => {
    expect(responseSpan(120)).toEqual({ key: 'hours', hours: 2 })
  })

  it('says less than an hour as minutes', () => {
    expect(responseSpan(30)).toEqual({ key: 'minutes', minutes: 30 })
  })

  it('says hours and minutes when both are needed', () => {
    expect(responseSpan(90)).toEqual({ key: 'hoursMinutes', hours: 1, minutes: 30 })
  })
})

describe("times are the bureau's (Asia/Shanghai), whatever the screen's zone", () => {
  const at = new Date('2026-12-06T17:05:00Z') // 01:05 on 7 December in Beijing

  it('gives the hour and minute', () => {
    expect(bureauClock(at)).toBe('01:05')
  })

  it('gives the day', () => {
    expect(bureauDay(at)).toBe('2026年12月7日星期一')
  })

  it('reads an API day as it is', () => {
    expect(calendarDay('2026-12-06')).toBe('2026年12月6日')
  })
})
