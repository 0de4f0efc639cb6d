import { describe, expect, it } from 'vitest'
import { bureauDate } from '@/api/bureauDate'
import { filenameOf } from '@/api/downloads'
import { figure, monthSoFar } from '@/tickets/report'

describe('the report period', () => {
  it('is the bureau’s month so far, on Beijing’s date', () => {
    // 2026-12-31 17:00 UTC is already 1 January in Beijing.
    expect(bureauDate(new Date('2026-12-31T17:00:00Z'))).toBe('2027-01-01')
    expect(monthSoFar(new Date('2026-12-06T02:00:00Z'))).toEqual({ from: '2026-12-01', to: '2026-12-06' })
    expect(monthSoFar(new Date('2026-12-31T17:00:00Z'))).toEqual({ from: '2027-01-01', to: '2027-01-01' })
  })
})

describe('figures', () => {
  it('a dash when nothing was judged, else rounded with its unit', () => {
    expect(figure(null)).toBe('—')
    expect(figure(87.456, 1, '%')).toBe('87.5%')
    expect(figure(4.2, 2)).toBe('4.20')
  })
})

describe('the saved file name', () => {
  it('prefers the UTF-8 name, then the plain one, then the fallback', () => {
    expect(filenameOf("attachment; filename=\"report.xlsx\"; filename*=UTF-8''%E9%83%A8%E9%97%A8.xlsx", 'x.xlsx')).toBe(
      '部门.xlsx',
    )
    expect(filenameOf('attachment; filename="departments-2026.xlsx"', 'x.xlsx')).toBe('departments-2026.xlsx')
    expect(filenameOf(null, 'x.xlsx')).toBe('x.xlsx')
  })
})
