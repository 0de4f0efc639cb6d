// Rating one resolved ticket (/rate/:code) and reading the public summary (/ratings).
import type { components } from '@/api/schema'
import type { ApiError } from '@/api/problems'

/** The scores of `POST /public/v1/ratings`, best first, as the form lists them. */
export const SCORES = [5, 4, 3, 2, 1] as const
export type Score = (typeof SCORES)[number]

/** The comment's cap: ticket-svc's MAX_COMMENT_LENGTH (ratings/models.py). */
export const MAX_COMMENT_LENGTH = 1000

type Invitation = components['schemas']['RatingInvitation']
type DepartmentScore = components['schemas']['DepartmentScore']

/** What a rater may do with a code, and so what the page shows. */
export type RatingState =
  | 'open' // the form
  | 'thanks' // just rated here
  | 'rated' // rated before (here or elsewhere)
  | 'notRateable' // the ticket is being worked on again: rate it once it is resolved
  | 'unknown' // no ticket has this code
  | 'tooMany' // the day's ratings from this address are used up
  | 'unreachable' // no answer: the network or the service

/** The state an invitation puts the page in. */
export function stateOfInvitation(invitation: Invitation): RatingState {
  if (invitation.rated) return 'rated'
  return invitation.can_rate ? 'open' : 'notRateable'
}

/** As much of a refused call (the client's ApiError) as the rules read. */
export type Refusal = Pick<ApiError, 'status' | 'rule' | 'errors'>

/**
 * The state a refused call leaves the page in, or null when the refusal is about what was
 * typed (the form stays, with the message). Read from ticket-svc's ratings/service.py:
 * 404 unknown code (invitation); 422 at `#/code` unknown code (rating); 409
 * `one-rating-per-ticket` rated meanwhile; 409 `rate-after-service` reopened; 429 limit.
 */
export function stateOfRefusal(refusal: Refusal): RatingState | null {
  if (refusal.status === 0 || refusal.status >= 500) return 'unreachable'
  if (refusal.status === 404) return 'unknown'
  if (refusal.status === 429) return 'tooMany'
  if (refusal.status === 409) {
    return refusal.rule === 'rate-after-service' ? 'notRateable' : 'rated'
  }
  if (refusal.status === 422 && refusal.errors.some((error) => error.pointer === '#/code')) {
    return 'unknown'
  }
  return null
}

/** The comment as the API takes it: trimmed, and left out when blank. */
export function commentToSend(comment: string): string | undefined {
  const trimmed = comment.trim()
  return trimmed === '' ? undefined : trimmed
}

/** A mean score as people read it: one decimal (`4.3`), or a dash when there is none. */
export function formatMean(mean: number | null | undefined): string {
  return mean === null || mean === undefined ? '—' : mean.toFixed(1)
}

/**
 * The departments of the chart, best at the top: the summary ranks them best first, and a
 * horizontal bar chart draws its first category at the bottom, so they are reversed.
 */
export function chartRows(departments: readonly DepartmentScore[]): {
  names: string[]
  means: number[]
  counts: number[]
} {
  const bottomUp = [...departments].reverse()
  return {
    names: bottomUp.map((row) => row.department),
    means: bottomUp.map((row) => Math.round(row.smoothed_mean * 100) / 100),
    counts: bottomUp.map((row) => row.count),
  }
}
