// The bureau's calendar: its days are Beijing's, whatever the browser's time zone.
const BUREAU_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' })

/** The bureau's date (Beijing) at `moment`, as YYYY-MM-DD. */
export function bureauDate(moment: Date): string {
  return BUREAU_DAY.format(moment)
}
