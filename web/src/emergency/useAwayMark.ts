// Marking someone out of reach and clearing it, as the personal page and the emergency
// office's pane both do: the form checked before anything is sent, the API's refusal
// placed at its field or said, a clearing confirmed first.
import { ElMessage, ElMessageBox } from 'element-plus'
import { reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { api, must } from '@/api/client'
import { showProblem } from '@/api/problems'
import { formProblems } from '@/admin/formProblems'
import { awayProblems, emptyAwayForm, markBody, type AwayForm } from '@/emergency/availability'
import { serverNow } from '@/api/serverClock'

export function useAwayMark(afterwards: () => Promise<void>) {
  const { t } = useI18n()
  const form = reactive<AwayForm>(emptyAwayForm())
  const errors = reactive<Partial<Record<keyof AwayForm, string>>>({})
  const saving = ref(false)

  function clearErrors(): void {
    for (const key of Object.keys(errors)) delete errors[key as keyof AwayForm]
  }

  function reset(): void {
    Object.assign(form, emptyAwayForm())
    clearErrors()
  }

  /** Marks `userId` away as the form says; true once marked. */
  async function mark(userId: string): Promise<boolean> {
    clearErrors()
    const problems = awayProblems(form, serverNow())
    for (const [field, problem] of Object.entries(problems)) errors[field as keyof AwayForm] = t(`emergency.availability.problems.${problem}`)
    if (Object.keys(problems).length || !form.kind) return false
    saving.value = true
    try {
      await must(api.POST('/api/v1/emergency/availability', { body: markBody(userId, form, t(`emergency.availability.kinds.${form.kind}`)) }))
      ElMessage({ type: 'success', message: t('emergency.availability.marked'), showClose: true })
      await afterwards()
      return true
    } catch (error) {
      const placed = formProblems(error, ['unavailable_until', 'reason'])
      if (placed?.unavailable_until) errors.until = placed.unavailable_until
      else if (placed?.reason) errors.note = placed.reason
      else showProblem(error)
      return false
    } finally {
      saving.value = false
    }
  }

  /** Clears the mark of `userId` (named `who` in the question), once confirmed. */
  async function clear(userId: string, who: string): Promise<void> {
    try {
      await ElMessageBox.confirm(t('emergency.availability.clearQuestion', { who }), t('emergency.availability.clear'), {
        confirmButtonText: t('emergency.availability.clear'),
        cancelButtonText: t('emergency.cancel'),
      })
    } catch {
      return // they thought better of it
    }
    try {
      await api.DELETE('/api/v1/emergency/availability/{user_id}', { params: { path: { user_id: userId } } })
      ElMessage({ type: 'success', message: t('emergency.availability.cleared'), showClose: true })
      await afterwards()
    } catch (error) {
      showProblem(error)
    }
  }

  return { form, errors, saving, reset, mark, clear }
}
