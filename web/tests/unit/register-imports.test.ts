import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/problems'
import { columnName, faultWords, rowFaultsOf, sheetName, type RowFault } from '@/register/imports'

const fault = (code: string, context?: RowFault['context']): RowFault => ({
  sheet: '房间 rooms',
  row: 3,
  column: 'number',
  code,
  detail: 'the English detail',
  context,
})

describe('the faults of an imported workbook', () => {
  it('are told in Chinese with their limits', () => {
    expect(faultWords(fault('room-twice-in-workbook', { row: 2 }))).toBe('与第 2 行的房间号重复')
    expect(faultWords(fault('string_too_long', { max_length: 32 }))).toBe('不能超过 32 个字')
    expect(faultWords(fault('unknown-unit-code'))).toBe('没有这个代码的单位')
  })

  it('list the values allowed as a reader writes them', () => {
    const words = faultWords(fault('enum', { expected: "'office', 'residential' or 'other'" }))
    expect(words).toBe('只能填写以下之一：office、residential、other')
  })

  it('fall back on the API’s detail for a code or a limit they do not know', () => {
    expect(faultWords(fault('some_new_check'))).toBe('the English detail')
    expect(faultWords(fault('greater_than'))).toBe('the English detail')
  })

  it('name the sheet and the column as the template does', () => {
    expect(sheetName('房间 rooms')).toBe('房间')
    expect(columnName('owner_unit_code')).toBe('产权单位代码')
    expect(columnName(undefined)).toBe('—')
  })

  it('are read from a 422 only', () => {
    const listed = new ApiError({ status: 422, errors: [fault('required') as never, { detail: 'x' }] })
    expect(rowFaultsOf(listed).map((one) => one.code)).toEqual(['required'])
    expect(rowFaultsOf(new ApiError({ status: 413, errors: [fault('required') as never] }))).toEqual([])
    expect(rowFaultsOf(new Error('no'))).toEqual([])
  })
})
