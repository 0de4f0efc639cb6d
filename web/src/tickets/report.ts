// The department report's period and figures as people read them.
import { bureauDate } from '@/api/bureauDate'
import words from '@/i18n/zh-CN/tickets'

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
