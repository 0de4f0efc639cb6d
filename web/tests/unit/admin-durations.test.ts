import { describe, expect, it } from 'vitest'
import {
  MAX_RESOLVE_HOURS,
  MAX_RESPONSE_MINUTES,
  hoursAndMinutes,
  resolveHoursProblem,
  responseLimitOf,
  responseMinutesOf,
  workdaysOf,
} from '@/admin/durations'

describe('response limits in friendly units', () => {
  it('whole hours are shown as hours, the rest as minutes', () => {
    expect(responseLimitOf(120)).toEqual({ amount: 2, unit: 'hours' })
    expect(responseLimitOf(90)).toEqual({ amount: 90, unit: 'minutes' })
    expect(responseLimitOf(30)).toEqual({ amount: 30, unit: 'minutes' })
  })

  it('hours become minutes, half hours included', () => {
    expect(responseMinutesOf({ amount: 2, unit: 'hours' })).toEqual({ minutes: 120 })
    expect(responseMinutesOf({ amount: 0.5, unit: 'hours' })).toEqual({ minutes: 30 })
    expect(responseMinutesOf({ amount: 45, unit: 'minutes' })).toEqual({ minutes: 45 })
  })

  it('round trips through the friendly form', () => {
    for (const minutes of [1, 30, 60, 90, 240, 1440]) {
      const limit = responseLimitOf(minutes)
      expect(responseMinutesOf(limit)).toEqual({ minutes })
    }
  })

  it('refuses what the API would refuse', () => {
    expect(responseMinutesOf({ amount: null, unit: 'minutes' })).toEqual({ problem: 'admin.commitments.rules.positive' })
    expect(responseMinutesOf({ amount: 0, unit: 'hours' })).toEqual({ problem: 'admin.commitments.rules.positive' })
    expect(responseMinutesOf({ amount: 0.3333, unit: 'hours' })).toEqual({ problem: 'admin.commitments.rules.wholeMinutes' })
    expect(responseMinutesOf({ amount: 1.5, unit: 'minutes' })).toEqual({ problem: 'admin.commitments.rules.wholeMinutes' })
    expect(responseMinutesOf({ amount: MAX_RESPONSE_MINUTES / 60 + 1, unit: 'hours' })).toEqual({
      problem: 'admin.commitments.rules.tooLong',
    })
  })
})

describe('resolve limits', () => {
  it('are whole positive hours up to a year', () => {
    expect(resolveHoursProblem(24)).toBeNull()
    expect(resolveHoursProblem(null)).toBe('admin.commitments.rules.positive')
    expect(resolveHoursProblem(-1)).toBe('admin.commitments.rules.positive')
    expect(resolveHoursProblem(1.5)).toBe('admin.commitments.rules.wholeHours')
    expect(resolveHoursProblem(MAX_RESOLVE_HOURS + 1)).toBe('admin.commitments.rules.tooLong')
  })

  it('are told in working days of the calendar', () => {
    expect(workdaysOf(13, 390)).toBe(2)
    expect(workdaysOf(24, 480)).toBe(3)
    expect(workdaysOf(10, 390)).toBe(1.5)
    expect(workdaysOf(10, null)).toBeNull()
  })
})

describe('durations as hours and minutes', () => {
  it('splits minutes', () => {
    expect(hoursAndMinutes(90)).toEqual({ hours: 1, minutes: 30 })
    expect(hoursAndMinutes(45)).toEqual({ hours: 0, minutes: 45 })
  })
})
