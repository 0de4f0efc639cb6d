import { describe, expect, it } from 'vitest'
import { nextTick, reactive } from 'vue'
import { forgetErrorsOnEdit, formProblems } from '@/admin/formProblems'
import { ApiError } from '@/api/problems'

const TAKEN = { 'unique-username': { field: 'username', words: '用户名已被使用' } }

describe('problems next to their fields', () => {
  it('a taken username is told at the username, in the API’s words too', () => {
    const error = new ApiError({ status: 409, type: 'urn:guanjia:problem:conflict', detail: 'username li is taken', rule: 'unique-username' })
    expect(formProblems(error, ['username'], TAKEN)).toEqual({ username: '用户名已被使用（username li is taken）' })
  })

  it('a field error of the form goes to its field', () => {
    const error = new ApiError({
      status: 422,
      errors: [
        { pointer: '#/password', detail: 'String should have at least 8 characters' },
        { pointer: '#/elsewhere', detail: 'not ours' },
      ],
    })
    expect(formProblems(error, ['username', 'password'])).toEqual({ password: 'String should have at least 8 characters' })
  })

  it('a problem of no field of the form is left to the page', () => {
    expect(formProblems(new ApiError({ status: 409, rule: 'keep-an-admin', detail: 'x' }), ['username'], TAKEN)).toBeNull()
    expect(formProblems(new ApiError({ status: 0 }), ['username'])).toBeNull()
    expect(formProblems(new Error('boom'), ['username'])).toBeNull()
  })
})

describe('forgetErrorsOnEdit', () => {
  it('drops the error of the field edited, and only that one', async () => {
    const form = reactive({ password: 'short', responseAmount: 1 })
    const errors = reactive<Record<string, string>>({})
    forgetErrorsOnEdit(form, errors, { responseAmount: 'response_minutes' })
    Object.assign(errors, { password: '密码至少需要 8 个字符', response_minutes: '太短' })

    form.password = 'long-enough-1'
    await nextTick()
    expect(errors).toEqual({ response_minutes: '太短' })

    form.responseAmount = 30
    await nextTick()
    expect(errors).toEqual({})
  })
})
