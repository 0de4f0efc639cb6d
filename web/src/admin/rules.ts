// Message rules (notify-svc) as the admin reads and edits them, and the message log's words.
import type { components } from '@/api/schema'
import { roleLabelKey } from '@/admin/roles'

export type RuleRead = components['schemas']['RuleRead']
export type RuleUpdate = components['schemas']['RuleUpdate']
export type MessageRead = components['schemas']['MessageRead']
export type CopyChannel = components['schemas']['CopyChannel']
type RecipientSpec = components['schemas']['RecipientSpec']
type Translate = (key: string, values?: Record<string, unknown>) => string

/** The channels a copy may go by beside the inbox, in the order the form offers them. */
export const CHANNELS: readonly CopyChannel[] = ['mobile', 'voice', 'wecom', 'email']

/** Who a rule tells, in words: one line per recipient entry. */
export function recipientWords(spec: RecipientSpec, t: Translate): string {
  if (spec.role) {
    const role = t(roleLabelKey(spec.role))
    return spec.department_field ? t('admin.rules.roleOfDepartment', { role }) : t('admin.rules.everyHolder', { role })
  }
  if (spec.field) return t('admin.rules.namedInEvent', { field: spec.field })
  return t('admin.rules.onePerson')
}

/** The rule's conditions, in words; empty when it meets every event of its type. */
export function conditionWords(rule: RuleRead, t: Translate): string[] {
  return rule.conditions.map((condition) =>
    condition.one_of
      ? t('admin.rules.oneOf', { field: condition.field, values: condition.one_of.join('、') })
      : t(condition.present ? 'admin.rules.present' : 'admin.rules.absent', { field: condition.field }),
  )
}

export interface RuleForm {
  subject: string
  text: string
  channels: CopyChannel[]
  urgent: boolean
  digest: boolean
  enabled: boolean
}

export function ruleFormOf(rule: RuleRead): RuleForm {
  return {
    subject: rule.subject,
    text: rule.text,
    channels: [...rule.channels],
    urgent: rule.urgent,
    digest: rule.digest,
    enabled: rule.enabled,
  }
}

/** Why the form cannot be sent: message keys by field; empty when it can. */
export function ruleProblems(form: RuleForm): Partial<Record<keyof RuleForm, string>> {
  const problems: Partial<Record<keyof RuleForm, string>> = {}
  if (form.subject.trim() === '') problems.subject = 'admin.rules.problems.subjectRequired'
  if (form.text.trim() === '') problems.text = 'admin.rules.problems.textRequired'
  if (form.urgent && form.digest) problems.digest = 'admin.rules.problems.urgentDigest'
  return problems
}

/** Channels in the rule's order of preference: those kept first, as they were, then new ones. */
export function ruleUpdateBody(rule: RuleRead, form: RuleForm): RuleUpdate {
  const kept = rule.channels.filter((channel) => form.channels.includes(channel))
  const added = CHANNELS.filter((channel) => form.channels.includes(channel) && !kept.includes(channel))
  return {
    subject: form.subject.trim(),
    text: form.text.trim(),
    channels: [...kept, ...added],
    urgent: form.urgent,
    digest: form.digest,
    enabled: form.enabled,
  }
}

/** The If-Match header naming the version the admin saw (a stale save is refused with 412). */
export function ifMatch(version: number): { 'if-match': string } {
  return { 'if-match': `"${version}"` }
}
