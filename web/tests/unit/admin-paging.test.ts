import { describe, expect, it } from 'vitest'
import { pageQuery } from '@/admin/paging'

describe('paging', () => {
  it('a page is a limit and an offset', () => {
    expect(pageQuery(1)).toEqual({ limit: 20, offset: 0 })
    expect(pageQuery(3, 50)).toEqual({ limit: 50, offset: 100 })
    expect(pageQuery(0)).toEqual({ limit: 20, offset: 0 })
  })
})
