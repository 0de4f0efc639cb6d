// The wall board of published commitments: which commitments go on which screenful, the
// turning of the screens, and whether what is shown is still current.

import type { components } from '@/api/schema'

/** What the board shows of a commitment (of `GET /public/v1/commitments`). */
export type BoardCommitment = Pick<
  components['schemas']['CommitmentRead'],
  'id' | 'name' | 'department' | 'response_minutes' | 'resolve_hours'
>

/** One department's commitments on one screenful. */
export interface BoardGroup<T extends BoardCommitment = BoardCommitment> {
  department: string
  /** The department began on an earlier screenful (its heading says 续). */
  continued: boolean
  commitments: T[]
}

export type BoardPage<T extends BoardCommitment = BoardCommitment> = BoardGroup<T>[]

const collator = new Intl.Collator('zh-CN')

/** Departments in the reader's order (by their Chinese reading), each one's commitments by name. */
export function sortForBoard<T extends BoardCommitment>(commitments: readonly T[]): T[] {
  return [...commitments].sort(
    (a, b) => collator.compare(a.department, b.department) || collator.compare(a.name, b.name),
  )
}

/**
 * Screenfuls of at most `rows` rows, a department's heading counting as a row. A
 * department never starts on a screenful's last row (a heading alone at the bottom reads as
 * a mistake); one that does not fit goes on, with its heading again, on the next.
 */
export function pageBoard<T extends BoardCommitment>(
  commitments: readonly T[],
  rows: number,
): BoardPage<T>[] {
  const perPage = Math.max(2, Math.floor(rows))
  const pages: BoardPage<T>[] = []
  let page: BoardPage<T> = []
  let used = 0
  let group: BoardGroup<T> | undefined
  for (const commitment of sortForBoard(commitments)) {
    const sameDepartment = group?.department === commitment.department
    const needed = sameDepartment ? 1 : 2
    if (used + needed > perPage) {
      pages.push(page)
      page = []
      used = 0
      group = sameDepartment
        ? { department: commitment.department, continued: true, commitments: [] }
        : undefined
      if (group) {
        page.push(group)
        used = 1
      }
    }
    if (!group || group.department !== commitment.department) {
      group = { department: commitment.department, continued: false, commitments: [] }
      page.push(group)
      used += 1
    }
    group.commitments.push(commitment)
    used += 1
  }
  if (page.length > 0) pages.push(page)
  return pages
}

/**
 * How many rows fit in `height` pixels of board, each `rowHeight` high: at least a heading and
 * one commitment, however small the screen.
 */
export function rowsThatFit(height: number, rowHeight: number): number {
  return Math.max(2, Math.floor(height / rowHeight))
}

/** The screenful after `current` of `count`, back to the first after the last. */
export function nextPage(current: number, count: number): number {
  if (count <= 0) return 0
  return (current + 1) % count
}

/** `current` kept within `count` screenfuls once a refresh has made fewer of them. */
export function clampPage(current: number, count: number): number {
  return current < count ? current : 0
}

export const DEFAULT_ROTATION_SECONDS = 15
const MIN_ROTATION_SECONDS = 5
const MAX_ROTATION_SECONDS = 600

/**
 * Seconds each screenful stays, from the board address's `?seconds=` (the screen's keeper
 * sets it once in the kiosk's address): a whole number within bounds, else the default.
 */
export function rotationSeconds(query: unknown): number {
  const raw = Array.isArray(query) ? query[0] : query
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) return DEFAULT_ROTATION_SECONDS
  return Math.min(MAX_ROTATION_SECONDS, Math.max(MIN_ROTATION_SECONDS, Number(raw)))
}

/** What the board knows of its data: when it last loaded, and whether the last try failed. */
export interface Freshness {
  loadedAt: Date | null
  lastAttemptFailed: boolean
}

export const FRESH: Freshness = { loadedAt: null, lastAttemptFailed: false }

export function afterLoad(at: Date): Freshness {
  return { loadedAt: at, lastAttemptFailed: false }
}

export function afterFailure(freshness: Freshness): Freshness {
  return { ...freshness, lastAttemptFailed: true }
}

/** The data on screen is older than the board believes it should be: say so, discreetly. */
export function isStale(freshness: Freshness): boolean {
  return freshness.loadedAt !== null && freshness.lastAttemptFailed
}
