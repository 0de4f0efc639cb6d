import { describe, expect, it } from 'vitest'
import { ApiError, fieldErrors, fieldOfPointer, messageOf } from '@/api/problems'

describe('fieldOfPointer', () => {
  it('names the field of a pointer into the body', () => {
    expect(fieldOfPointer('#/title')).toBe('title')
    expect(fieldOfPointer('/body/title')).toBe('title')
  })

  it('names a nested field in the dotted form of Element Plus forms', () => {
    expect(fieldOfPointer('#/items/0/name')).toBe('items.0.name')
  })

  it('reads the escapes of JSON pointers', () => {
    expect(fieldOfPointer('#/a~1b/c~0d')).toBe('a/b.c~d')
  })
})

describe('fieldErrors', () => {
  it('keys each field problem by its field, joining two on one field', () => {
    const error = new ApiError({
      status: 422,
      type: 'urn:guanjia:problem:validation-error',
      errors: [
        { pointer: '#/title', detail: 'too long' },
        { pointer: '#/title', detail: 'has a line break' },
        { pointer: '#/query/limit', parameter: 'limit', detail: 'at most 500' },
      ],
    })
    expect(fieldErrors(error)).toEqual({ title: 'too long；has a line break', 'query.limit': 'at most 500' })
  })

  it('has none for what is not a refusal of the API', () => {
    expect(fieldErrors(new Error('boom'))).toEqual({})
  })
})

describe('messageOf', () => {
  it('says a known problem type in Chinese, then the API’s own words', () => {
    const error = new ApiError({
      status: 401,
      type: 'urn:guanjia:problem:invalid-credentials',
      detail: 'the username or password is wrong',
    })
    expect(messageOf(error)).toBe('用户名或密码不正确：the username or password is wrong')
  })

  it('falls back on words for the status, never the bare code', () => {
    const message = messageOf(new ApiError({ status: 503, type: 'urn:guanjia:problem:something-new' }))
    expect(message).toBe('服务繁忙，请稍后再试')
    expect(message).not.toMatch(/\d/)
  })

  it('has words for a status it does not list', () => {
    expect(messageOf(new ApiError({ status: 507 }))).toBe('服务器出错，请稍后再试')
    expect(messageOf(new ApiError({ status: 418 }))).toBe('请求有误')
  })

  it('says the server could not be reached when no answer came', () => {
    expect(messageOf(new TypeError('Failed to fetch'))).toBe('无法连接服务器，请检查网络后重试')
  })
})
