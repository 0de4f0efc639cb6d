import { describe, expect, it } from 'vitest'
import {
  clockMinutes,
  dayMinutes,
  defaultWeeklyForm,
  emptyExceptionForm,
  exceptionBody,
  exceptionKind,
  exceptionProblems,
  hasWeeklyProblems,
  periodProblems,
  shortClock,
  usualHoursBody,
  usualWorkdayMinutes,
  weekdayOf,
  weeklyFormOf,
  weeklyHoursBody,
  weeklyProblems,
  type CalendarRead,
} from '@/admin/calendars'

const OFFICE_DAY = [
  { start: '08:30', end: '12:00' },
  { start: '14:30', end: '17:30' },
]
const WEEK: CalendarRead['weekly_hours'] = {
  mon: OFFICE_DAY,
  tue: OFFICE_DAY,
  wed: OFFICE_DAY,
  thu: OFFICE_DAY,
  fri: [{ start: '08:30:00', end: '12:00:00' }],
}

describe('clock times', () => {
  it('reads hours and minutes, with or without seconds', () => {
    expect(clockMinutes('08:30')).toBe(510)
    expect(clockMinutes('8:30')).toBe(510)
    expect(clockMinutes('17:30:00')).toBe(1050)
    expect(clockMinutes('24:00')).toBeNull()
    expect(clockMinutes('')).toBeNull()
    expect(shortClock('08:30:00')).toBe('08:30')
  })
})

describe('a day’s periods', () => {
  it('morning and afternoon are fine', () => {
    expect(periodProblems(OFFICE_DAY)).toEqual([])
  })

  it('touching periods are fine', () => {
    expect(
      periodProblems([
        { start: '08:00', end: '12:00' },
        { start: '12:00', end: '13:00' },
      ]),
    ).toEqual([])
  })

  it('a period must start before it ends', () => {
    expect(periodProblems([{ start: '12:00', end: '08:30' }])).toEqual([
      { index: 0, problem: 'admin.calendars.rules.startBeforeEnd' },
    ])
    expect(periodProblems([{ start: '12:00', end: '12:00' }])).toEqual([
      { index: 0, problem: 'admin.calendars.rules.startBeforeEnd' },
    ])
  })

  it('a period needs both times', () => {
    expect(periodProblems([{ start: '08:30', end: '' }])).toEqual([
      { index: 0, problem: 'admin.calendars.rules.timeMissing' },
    ])
  })

  it('overlapping periods are refused at the later one, whatever their order in the form', () => {
    expect(
      periodProblems([
        { start: '14:30', end: '17:30' },
        { start: '08:30', end: '15:00' },
      ]),
    ).toEqual([{ index: 0, problem: 'admin.calendars.rules.overlap' }])
  })
})

describe('the week', () => {
  it('the default is office hours Monday to Friday', () => {
    const form = defaultWeeklyForm()
    expect(form.mon).toEqual(OFFICE_DAY)
    expect(form.sat).toEqual([])
    expect(hasWeeklyProblems(form)).toBe(false)
  })

  it('needs working time on at least one day', () => {
    const form = weeklyFormOf({})
    expect(weeklyProblems(form).noWorkingTime).toBe(true)
    expect(hasWeeklyProblems(form)).toBe(true)
  })

  it('names the day at fault', () => {
    const form = defaultWeeklyForm()
    form.wed = [{ start: '18:00', end: '09:00' }]
    expect(weeklyProblems(form).days).toEqual({ wed: [{ index: 0, problem: 'admin.calendars.rules.startBeforeEnd' }] })
  })

  it('is sent with working days only, periods in time order', () => {
    const form = weeklyFormOf(WEEK)
    form.sat = [
      { start: '14:00', end: '16:00' },
      { start: '09:00', end: '11:00' },
    ]
    const body = weeklyHoursBody(form)
    expect(Object.keys(body)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat'])
    expect(body.fri).toEqual([{ start: '08:30', end: '12:00' }])
    expect(body.sat).toEqual([
      { start: '09:00', end: '11:00' },
      { start: '14:00', end: '16:00' },
    ])
  })

  it('knows its usual day', () => {
    expect(dayMinutes(OFFICE_DAY)).toBe(390)
    expect(usualWorkdayMinutes(WEEK)).toBe(390)
    expect(usualWorkdayMinutes({})).toBeNull()
  })
})

describe('dated exceptions', () => {
  it('weekdays of dates, in any zone', () => {
    expect(weekdayOf('2026-10-01')).toBe('thu')
    expect(weekdayOf('2026-10-10')).toBe('sat')
    expect(weekdayOf('2026-12-06')).toBe('sun')
  })

  it('a working day without hours is a holiday (放假)', () => {
    expect(exceptionKind({ date: '2026-10-01', periods: [], note: '国庆节' }, WEEK)).toBe('holiday')
  })

  it('a weekend day with hours is a made-working day (调休上班)', () => {
    expect(exceptionKind({ date: '2026-10-10', periods: OFFICE_DAY, note: null }, WEEK)).toBe('workday')
  })

  it('other hours on a working day, and the usual hours again, are told apart', () => {
    expect(exceptionKind({ date: '2026-10-09', periods: OFFICE_DAY, note: null }, WEEK)).toBe('hours')
    expect(exceptionKind({ date: '2026-10-08', periods: OFFICE_DAY, note: null }, WEEK)).toBe('usual')
    expect(exceptionKind({ date: '2026-10-11', periods: [], note: null }, WEEK)).toBe('usual')
  })

  it('a holiday is sent without periods, whatever the form held', () => {
    const form = { ...emptyExceptionForm(WEEK), date: '2026-10-01', note: ' 国庆节 ' }
    expect(form.periods).toEqual(OFFICE_DAY)
    expect(exceptionBody(form)).toEqual({ date: '2026-10-01', periods: [], note: '国庆节' })
  })

  it('a made-working day is sent with its periods', () => {
    const form = { ...emptyExceptionForm(WEEK), date: '2026-10-10', kind: 'workday' as const }
    expect(exceptionBody(form)).toEqual({ date: '2026-10-10', periods: OFFICE_DAY, note: null })
  })

  it('needs a date, and hours when it is a working day', () => {
    expect(exceptionProblems({ ...emptyExceptionForm(WEEK) })).toEqual({ date: 'admin.calendars.rules.dateRequired' })
    expect(exceptionProblems({ date: '2026-10-10', kind: 'workday', periods: [], note: '' })).toEqual({
      periods: [{ index: 0, problem: 'admin.calendars.rules.workdayNeedsHours' }],
    })
    expect(
      exceptionProblems({ date: '2026-10-10', kind: 'workday', periods: [{ start: '17:00', end: '09:00' }], note: '' }),
    ).toEqual({ periods: [{ index: 0, problem: 'admin.calendars.rules.startBeforeEnd' }] })
  })

  it('putting a date back to the usual hours sends the weekday’s own hours', () => {
    expect(usualHoursBody('2026-10-01', WEEK)).toEqual({ date: '2026-10-01', periods: OFFICE_DAY, note: null })
    expect(usualHoursBody('2026-10-10', WEEK)).toEqual({ date: '2026-10-10', periods: [], note: null })
  })
})
