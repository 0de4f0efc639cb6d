// The board and the rating pages speak of the bureau's own day and hour (Asia/Shanghai),
// whatever time zone the screen or the rater's phone is set to.

export const BUREAU_TIME_ZONE = 'Asia/Shanghai'

const clock = new Intl.DateTimeFormat('zh-CN', {
  timeZone: BUREAU_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

const day = new Intl.DateTimeFormat('zh-CN', {
  timeZone: BUREAU_TIME_ZONE,
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  weekday: 'long',
})

/** `14:05`: the hour and minute of `at` in the bureau's time zone. */
export function bureauClock(at: Date): string {
  return clock.format(at)
}

/** `2026年12月6日星期日`: the bureau's day of `at`. */
export function bureauDay(at: Date): string {
  return day.format(at)
}

/** `2026年12月6日`: a bureau day as the API gives it (`2026-12-06`), read as it is. */
export function calendarDay(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate)
  if (!match) return isoDate
  return `${Number(match[1])}年${Number(match[2])}月${Number(match[3])}日`
}
