import { describe, expect, it } from 'vitest'
import { CLIENT_ROLES, ROLE_ORDER, USER_ROLES, orderedRoles, requiredAssignments, roleLabelKey } from '@/admin/roles'
import admin from '@/i18n/zh-CN/admin'

describe('role labels', () => {
  it('every role has a Chinese name and a hint', () => {
    for (const role of ROLE_ORDER) {
      expect(roleLabelKey(role)).toBe(`admin.roles.${role}`)
      expect(admin.roles[role]).toMatch(/[\u4e00-\u9fff]/)
      expect(admin.roleHints[role]).toMatch(/[\u4e00-\u9fff]/)
    }
  })

  it('people are not offered the integration role, clients not the admin role', () => {
    expect(USER_ROLES).not.toContain('integration')
    expect(USER_ROLES).toContain('admin')
    expect(CLIENT_ROLES).not.toContain('admin')
    expect(CLIENT_ROLES).toContain('integration')
  })

  it('orders ticked roles as the page lists them', () => {
    expect(orderedRoles(['unit_staff', 'admin', 'nonsense'])).toEqual(['admin', 'unit_staff'])
  })
})

describe('what an account must belong to', () => {
  it('unit staff need a unit', () => {
    expect(requiredAssignments(['unit_staff'])).toEqual({ unit: true, department: false })
  })

  it('agents and department heads need a department', () => {
    expect(requiredAssignments(['agent'])).toEqual({ unit: false, department: true })
    expect(requiredAssignments(['dept_head', 'leader'])).toEqual({ unit: false, department: true })
  })

  it('leaders, auditors and admins need neither', () => {
    expect(requiredAssignments(['leader', 'auditor', 'admin'])).toEqual({ unit: false, department: false })
  })
})
