import { describe, expect, it } from 'vitest'
import {
  assignmentProblems,
  emptyUserForm,
  passwordProblem,
  userCreateBody,
  userFormOf,
  userUpdateBody,
  usernameProblem,
  type UserRead,
} from '@/admin/users'

const zhang: UserRead = {
  id: 'u1',
  username: 'zhang.san',
  display_name: '张三',
  roles: ['unit_staff'],
  unit_id: 'unit-1',
  department: null,
  active: true,
  created_at: '2026-12-01T09:00:00+08:00',
}

describe('usernames', () => {
  it('are taken trimmed and in lower case, as the gateway keeps them', () => {
    expect(usernameProblem('  Zhang.San ')).toBeNull()
    expect(userCreateBody({ ...emptyUserForm(), username: '  Zhang.San ' }).username).toBe('zhang.san')
  })

  it('must start with a letter or digit and use only a few signs', () => {
    expect(usernameProblem('')).toBe('admin.users.rules.usernameRequired')
    expect(usernameProblem('.zhang')).toBe('admin.users.rules.usernameShape')
    expect(usernameProblem('张三')).toBe('admin.users.rules.usernameShape')
    expect(usernameProblem('a'.repeat(65))).toBe('admin.users.rules.usernameShape')
    expect(usernameProblem('a'.repeat(64))).toBeNull()
  })
})

describe('passwords', () => {
  it('need 8 to 256 characters', () => {
    expect(passwordProblem('1234567')).toBe('admin.users.rules.passwordShort')
    expect(passwordProblem('12345678')).toBeNull()
    expect(passwordProblem('x'.repeat(257))).toBe('admin.users.rules.passwordLong')
  })
})

describe('assignments', () => {
  it('unit staff without a unit are refused before sending', () => {
    expect(assignmentProblems({ roles: ['unit_staff'], unit_id: '', department: '' })).toEqual({
      unit_id: 'admin.users.rules.unitRequired',
    })
  })

  it('an agent with a blank department is refused before sending', () => {
    expect(assignmentProblems({ roles: ['agent'], unit_id: '', department: '  ' })).toEqual({
      department: 'admin.users.rules.departmentRequired',
    })
  })
})

describe('the create body', () => {
  it('sends blank unit and department as null', () => {
    const body = userCreateBody({
      username: 'li',
      display_name: ' 李四 ',
      password: 'secret-123',
      roles: ['leader'],
      unit_id: '',
      department: ' ',
    })
    expect(body).toEqual({
      username: 'li',
      display_name: '李四',
      password: 'secret-123',
      roles: ['leader'],
      unit_id: null,
      department: null,
    })
  })
})

describe('the update body', () => {
  it('is empty when nothing changed', () => {
    expect(userUpdateBody(userFormOf(zhang), zhang)).toEqual({})
  })

  it('holds only what changed, and clears an emptied unit with null', () => {
    const form = { ...userFormOf(zhang), roles: ['unit_staff', 'auditor'] as UserRead['roles'], unit_id: '' }
    expect(userUpdateBody(form, zhang)).toEqual({ roles: ['unit_staff', 'auditor'], unit_id: null })
  })

  it('does not count roles in another order as a change', () => {
    const user = { ...zhang, roles: ['agent', 'dept_head'] as UserRead['roles'] }
    expect(userUpdateBody({ ...userFormOf(user), roles: ['dept_head', 'agent'] }, user)).toEqual({})
  })

  it('never carries a password (that is a reset of its own)', () => {
    expect(userUpdateBody({ ...userFormOf(zhang), password: 'whatever-1' }, zhang)).toEqual({})
  })
})
