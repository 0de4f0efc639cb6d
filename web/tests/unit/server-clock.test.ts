import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { noteServerDate, serverNow } from '@/api/serverClock'

describe('the server’s clock', () => {
  // The unit tests share their modules: another file's calls to a real gateway may have left
  // a skew noted. Each test starts from none (an answer dated now), and leaves none.
  beforeEach(() => noteServerDate(new Date().toUTCString()))
  afterEach(() => {
    noteServerDate(new Date().toUTCString())
    vi.useRealTimers()
  })

  it('is the browser’s own until an answer says otherwise', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-06T02:00:00Z') })
    expect(serverNow().toISOString()).toBe('2026-12-06T02:00:00.000Z')
    noteServerDate(null)
    noteServerDate('not a date')
    expect(serverNow().toISOString()).toBe('2026-12-06T02:00:00.000Z')
  })

  it('follows the Date header of the last answer, ticking on with the browser', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-06T02:00:00Z') })
    noteServerDate('Mon, 01 Mar 2027 02:00:00 GMT')
    expect(serverNow().toISOString()).toBe('2027-03-01T02:00:00.000Z')
    vi.advanceTimersByTime(90_000)
    expect(serverNow().toISOString()).toBe('2027-03-01T02:01:30.000Z')
  })

  it('takes less than a second of difference for the header’s lost milliseconds', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-06T02:00:00.900Z') })
    noteServerDate('Sun, 06 Dec 2026 02:00:00 GMT')
    expect(serverNow().toISOString()).toBe('2026-12-06T02:00:00.900Z')
  })

  it('takes a slow answer dated while it was on its way for no skew at all', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-06T02:00:03.400Z') })
    const sent = Date.parse('2026-12-06T02:00:00.700Z')
    noteServerDate('Sun, 06 Dec 2026 02:00:01 GMT', Date.now(), sent)
    expect(serverNow().toISOString()).toBe('2026-12-06T02:00:03.400Z')
  })

  it('hears a server behind the browser, by at least what the window allows', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-06T02:00:00.500Z') })
    noteServerDate('Sun, 06 Dec 2026 01:00:00 GMT', Date.now(), Date.parse('2026-12-06T02:00:00.200Z'))
    expect(serverNow().toISOString()).toBe('2026-12-06T01:00:01.300Z')
  })
})
