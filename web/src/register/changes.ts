// The change register's kinds of change, what each one names, and its refusals in words.
import type { components } from '@/api/schema'
import { ApiError, fieldErrors, showProblem } from '@/api/problems'
import words from '@/i18n/zh-CN/register'

export type ChangeType = components['schemas']['ChangeType']
export type ChangeRead = components['schemas']['ChangeRead']

export const CHANGE_TYPES: readonly ChangeType[] = [
  'acquire',
  'allocate',
  'reallocate',
  'reclaim',
  'renovate',
  'transfer_title',
  'dispose',
]

/** What a change of each type names, as asset-svc checks it: its rooms, its building (all
 *  its rooms) or either, and whether it gives them to a unit. */
export const NAMES: Record<ChangeType, { target: 'rooms' | 'building' | 'either'; unit: boolean }> = {
  acquire: { target: 'building', unit: false },
  allocate: { target: 'rooms', unit: true },
  reallocate: { target: 'rooms', unit: true },
  reclaim: { target: 'rooms', unit: false },
  renovate: { target: 'either', unit: false },
  transfer_title: { target: 'building', unit: true },
  dispose: { target: 'either', unit: false },
}

/** The register's refusal in words: which of its rules the change would break, or null when
 *  the refusal is not one of them. */
export function ruleWords(error: unknown): string | null {
  if (!(error instanceof ApiError) || !error.rule) return null
  return (words.rules as Record<string, string>)[error.rule] ?? null
}

/** A refused form's problems placed beside their fields, or else told as a message. */
export function placeFieldProblems(error: unknown, errors: Record<string, string>): void {
  const byField = fieldErrors(error)
  if (Object.keys(byField).length) Object.assign(errors, byField)
  else showProblem(error)
}

/** A refused form of the register: its rule in words, returned for the alert above the form;
 *  any other refusal placed as `placeFieldProblems` does (and null returned). */
export function placeRefusal(error: unknown, errors: Record<string, string>): string | null {
  const words = ruleWords(error)
  if (!words) placeFieldProblems(error, errors)
  return words
}
