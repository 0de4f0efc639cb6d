// The bureau's years a ledger screen offers: this one (Beijing's, by the server's clock),
// the two before it, and the next one where the next year's work is planned ahead.
import { bureauDate } from '@/api/bureauDate'
import { serverNow } from '@/api/serverClock'

export function bureauYear(): number {
  return Number(bureauDate(serverNow()).slice(0, 4))
}

export function yearsOffered(thisYear: number, planningAhead: boolean): number[] {
  return [...(planningAhead ? [thisYear + 1] : []), thisYear, thisYear - 1, thisYear - 2]
}
