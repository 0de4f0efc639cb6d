// The department report's period and figures as people read them, and the name its
// spreadsheet is saved under.
import words from '@/i18n/zh-CN/tickets'

const BUREAU_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' })

/** The bureau's date (Beijing) at `moment`, as YYYY-MM-DD. */
export function bureauDate(moment: Date): string {
  return BUREAU_DAY.format(moment)
}

/** The report's default period: the bureau's month so far. */
export function monthSoFar(moment: Date): { from: string; to: string } {
  const to = bureauDate(moment)
  return { from: `${to.slice(0, 8)}01`, to }
}

/** A figure the report may leave out (null: nothing to judge), to the given decimals. */
export function figure(value: number | null | undefined, decimals = 0, unit = ''): string {
  if (value == null) return words.noDeadline
  return `${value.toFixed(decimals)}${unit}`
}

/** The file name a download is saved under: the server's (Content-Disposition, RFC 6266,
 *  `filename*=UTF-8''…` first), else `fallback`. */
export function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition)
  if (encoded?.[1]) {
    try {
      return decodeURIComponent(encoded[1].trim())
    } catch {
      // A malformed escape: fall through to the plain name.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)
  return plain?.[1]?.trim() || fallback
}
