// A refused form's problems placed next to its fields: the API's field errors (422), and a
// conflict whose rule belongs to one field (409 "username is taken"), in the API's words.
import { watch } from 'vue'
import { ApiError, fieldErrors } from '@/api/problems'

/** A 409 rule that is about one field, and the Chinese words put before the API's. */
export type ConflictFields = Record<string, { field: string; words: string }>

/** The messages by field, or null when the problem belongs to no field of this form. */
export function formProblems(
  error: unknown,
  fields: readonly string[],
  conflicts: ConflictFields = {},
): Record<string, string> | null {
  if (error instanceof ApiError && error.status === 409 && error.rule && conflicts[error.rule]) {
    const { field, words } = conflicts[error.rule]!
    return { [field]: error.detail ? `${words}（${error.detail}）` : words }
  }
  const placed = Object.entries(fieldErrors(error)).filter(([field]) => fields.includes(field))
  return placed.length ? Object.fromEntries(placed) : null
}

/**
 * A field's error stays beside it only until the field is edited, so a corrected form does
 * not go on showing what was wrong. `fieldOf` names the error key of a form key where they
 * differ (the form's `responseAmount` is the API's `response_minutes`).
 */
export function forgetErrorsOnEdit<F extends object>(
  form: F,
  errors: Record<string, string>,
  fieldOf: Partial<Record<keyof F, string>> = {},
): void {
  for (const key of Object.keys(form) as (keyof F & string)[]) {
    watch(
      () => form[key],
      () => {
        delete errors[fieldOf[key] ?? key]
      },
      { deep: true },
    )
  }
}
