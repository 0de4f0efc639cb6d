// Who is out of reach (不在岗): while someone is marked, the tasks that would be theirs go to
// their role's deputy (emergency-svc's tasks/availability.py). A mark keeps one line of
// reason: the kind of absence a person picks, and what they add after it.
import type { components } from '@/api/schema'

export type Mark = components['schemas']['UnavailabilityRead']
export type MarkBody = components['schemas']['UnavailabilityIn']

export const AWAY_KINDS = ['leave', 'business', 'ill', 'other'] as const
export type AwayKind = (typeof AWAY_KINDS)[number]

/** The mark as typed: the kind of absence, a note, and until when ('' until cleared). */
export interface AwayForm {
  kind: AwayKind | ''
  note: string
  until: string
}

export type AwayProblem = 'kindRequired' | 'noteRequired' | 'untilPast'

export const emptyAwayForm = (): AwayForm => ({ kind: '', note: '', until: '' })

/** What keeps the mark from being sent, by field: a kind picked; for 其他 a word of why;
 *  an end in the future (the API refuses one past). */
export function awayProblems(form: AwayForm, now: Date): Partial<Record<keyof AwayForm, AwayProblem>> {
  const problems: Partial<Record<keyof AwayForm, AwayProblem>> = {}
  if (!form.kind) problems.kind = 'kindRequired'
  if (form.kind === 'other' && !form.note.trim()) problems.note = 'noteRequired'
  if (form.until && Date.parse(form.until) <= now.getTime()) problems.until = 'untilPast'
  return problems
}

/** The body of POST availability: `kindLabel` the words of the kind picked (休假…). */
export function markBody(userId: string, form: AwayForm, kindLabel: string): MarkBody {
  const note = form.note.trim()
  return {
    user_id: userId,
    reason: note ? `${kindLabel}：${note}` : kindLabel,
    ...(form.until ? { unavailable_until: form.until } : {}),
  }
}

/** Whether the mark still holds at `now` (one that ran out while the page was open no
 *  longer does). */
export const holds = (mark: Pick<Mark, 'unavailable_until'>, now: Date): boolean =>
  mark.unavailable_until === null || Date.parse(mark.unavailable_until) > now.getTime()
