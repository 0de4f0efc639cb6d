// How the ledger's forms send: the button busy meanwhile, a refusal's field problems placed
// beside their fields (and forgotten once a field is edited), any other refusal shown as a
// message at the top of the page.
import { reactive, ref } from 'vue'
import { showProblem } from '@/api/problems'
import { forgetErrorsOnEdit, formProblems } from '@/admin/formProblems'

export function useFormSending<F extends object>(form: F, fields: readonly string[], fieldOf: Partial<Record<keyof F, string>> = {}) {
  const errors = reactive<Record<string, string>>({})
  const saving = ref(false)
  forgetErrorsOnEdit(form, errors, fieldOf)

  /** What `call` answers, or undefined when it was refused (and the refusal said). */
  async function send<T>(call: () => Promise<T>): Promise<T | undefined> {
    saving.value = true
    try {
      return await call()
    } catch (error) {
      const placed = formProblems(error, fields)
      if (placed) Object.assign(errors, placed)
      else showProblem(error)
      return undefined
    } finally {
      saving.value = false
    }
  }

  return { errors, saving, send }
}
