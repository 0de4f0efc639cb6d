import { describe, expect, it } from 'vitest'
import {
  conditionWords,
  ifMatch,
  recipientWords,
  ruleFormOf,
  ruleProblems,
  ruleUpdateBody,
  type RuleRead,
} from '@/admin/rules'

// The words' keys and their values, so that what a rule reads as can be checked here.
function t(key: string, values: Record<string, unknown> = {}): string {
  return `${key}${JSON.stringify(values)}`
}

const RULE: RuleRead = {
  id: 'r1',
  name: '工单升级：告知局领导',
  event_type: 'ticket.ticket.escalated',
  conditions: [{ field: 'escalated_to', one_of: ['leader', 'dept_head'], present: null }],
  recipients: [{ role: 'leader', field: null, department_field: null, user_id: null }],
  channels: ['wecom', 'mobile'],
  topic: 'ticket.escalation',
  urgent: false,
  digest: false,
  subject: '工单升级督办：{title}',
  text: '【管家】{department}的工单「{title}」超时未办结。',
  link: '/tickets/{id}',
  enabled: true,
  version: 3,
  updated_by: 'admin',
  created_at: '2026-12-07T00:00:00Z',
  updated_at: '2026-12-07T00:00:00Z',
}

describe('message rules', () => {
  it('say whom they tell in words', () => {
    expect(recipientWords({ role: 'leader' }, t)).toBe('admin.rules.everyHolder{"role":"admin.roles.leader{}"}')
    expect(recipientWords({ role: 'agent', department_field: 'department' }, t)).toBe(
      'admin.rules.roleOfDepartment{"role":"admin.roles.agent{}"}',
    )
    expect(recipientWords({ field: 'assignee' }, t)).toBe('admin.rules.namedInEvent{"field":"assignee"}')
    expect(recipientWords({ user_id: 'u1' }, t)).toBe('admin.rules.onePerson{}')
  })

  it('say their conditions in words', () => {
    expect(conditionWords(RULE, t)).toEqual(['admin.rules.oneOf{"field":"escalated_to","values":"leader、dept_head"}'])
    const present = { ...RULE, conditions: [{ field: 'rules_needing_a_leader', present: true }] }
    expect(conditionWords(present, t)).toEqual(['admin.rules.present{"field":"rules_needing_a_leader"}'])
  })

  it('keep the channels they had in their order, and add the new ones after', () => {
    const form = { ...ruleFormOf(RULE), channels: ['email' as const, 'mobile' as const] }
    expect(ruleUpdateBody(RULE, form).channels).toEqual(['mobile', 'email'])
    expect(ruleUpdateBody(RULE, { ...form, channels: [] }).channels).toEqual([])
  })

  it('are sent trimmed, and refused without words or as an urgent digest', () => {
    const form = { ...ruleFormOf(RULE), subject: '  标题 ', text: ' 正文 ' }
    expect(ruleUpdateBody(RULE, form)).toMatchObject({ subject: '标题', text: '正文' })
    expect(ruleProblems(ruleFormOf(RULE))).toEqual({})
    expect(ruleProblems({ ...ruleFormOf(RULE), subject: ' ', text: '', urgent: true, digest: true })).toEqual({
      subject: 'admin.rules.problems.subjectRequired',
      text: 'admin.rules.problems.textRequired',
      digest: 'admin.rules.problems.urgentDigest',
    })
  })

  it('are saved against the version the admin saw', () => {
    expect(ifMatch(3)).toEqual({ 'if-match': '"3"' })
  })
})
