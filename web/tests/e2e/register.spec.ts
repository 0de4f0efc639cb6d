// The property register, as the bureau reads it against the real platform: the units as a
// tree, a unit's page with its staffing, its office space against the standard and the
// rooms it used, replayed for a past day; the city-wide compliance table with the API's own
// figures; a unit's staff, who see their unit only; the change register; and the inventory
// workbook filled in and imported.
import type { APIRequestContext, Locator } from '@playwright/test'
import ExcelJS from 'exceljs'
import { ADMIN_PASSWORD, apiAs, expect, expectAccessible, mainMenu, newUser, photograph, signIn, signOut, test } from './support'

interface Held {
  bureau: { id: string; name: string }
  unit: { id: string; name: string }
}

async function created(answer: Awaited<ReturnType<APIRequestContext['post']>>): Promise<{ id: string; name: string }> {
  expect(answer.status(), await answer.text()).toBe(201)
  return (await answer.json()) as { id: string; name: string }
}

/** A top unit and one under it that holds a 60 m² office since 2020 and a 40 m² one since
 *  2024: on 2022-01-01 it used one room, today two. Codes start with 0000 so that the units
 *  come first in lists ordered by code, whatever other tests made. */
async function unitWithRooms(admin: APIRequestContext): Promise<Held> {
  const stamp = Date.now().toString(36)
  const bureau = await created(
    await admin.post('/api/v1/asset/units', { data: { code: `0000-${stamp}`, name: `测试市政府${stamp}`, level: 'municipal' } }),
  )
  const unit = await created(
    await admin.post('/api/v1/asset/units', {
      data: { code: `0000-${stamp}-1`, name: `测试财政局${stamp}`, level: 'municipal', parent_id: bureau.id },
    }),
  )
  const staffing = await admin.put(`/api/v1/asset/units/${unit.id}/staffing`, {
    data: [
      { rank: 'head', headcount: 1 },
      { rank: 'staff', headcount: 4 },
    ],
  })
  expect(staffing.status(), await staffing.text()).toBe(200)
  const building = await created(
    await admin.post('/api/v1/asset/buildings', {
      data: { name: `财政大楼${stamp}`, address: '中原路1号', owner_unit_id: unit.id, gross_area: 3000, use: 'office' },
    }),
  )
  for (const [number, area, since] of [
    ['301', 60, '2020-01-01'],
    ['302', 40, '2024-06-01'],
  ] as const) {
    const room = await created(
      await admin.post('/api/v1/asset/rooms', {
        data: { building_id: building.id, floor: 3, number, usable_area: area, kind: 'office' },
      }),
    )
    const allocated = await admin.post('/api/v1/asset/changes', {
      data: { type: 'allocate', room_ids: [room.id], unit_id: unit.id, effective_date: since, reason: '测试分配' },
    })
    expect(allocated.status(), await allocated.text()).toBe(201)
  }
  return { bureau, unit }
}

test('the bureau reads a unit, its rooms on a past day and the city-wide compliance', async ({ page }) => {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const { bureau, unit } = await unitWithRooms(admin)
    const standard = (await (await admin.get(`/api/v1/asset/units/${unit.id}/space-compliance`)).json()) as {
      standard_area: number
      actual_area: number
      status: string
    }
    expect(standard.actual_area).toBe(100)

    await signIn(page, 'admin', ADMIN_PASSWORD)
    await mainMenu(page).getByRole('link', { name: '单位与用房' }).click()
    await expect(page.getByRole('heading', { name: '单位与用房', level: 1 })).toBeVisible()
    const tree = page.getByRole('tree', { name: '单位与用房' })
    const top = tree.getByRole('treeitem').filter({ hasText: bureau.name }).first()
    await expect(top).toBeVisible()
    await top.locator('.el-tree-node__expand-icon').first().click()
    await expect(tree.getByRole('link', { name: unit.name })).toBeVisible()
    await expectAccessible(page)
    await photograph(page, 'register-units')

    await page.getByRole('searchbox').or(page.getByRole('textbox', { name: '按名称或代码查找单位' })).fill(unit.name)
    await page.keyboard.press('Enter')
    await expect(page.getByText('找到 1 个单位')).toBeVisible()
    await page.getByRole('link', { name: unit.name }).click()

    await expect(page.getByRole('heading', { name: unit.name, level: 1 })).toBeVisible()
    await expect(page.getByRole('link', { name: bureau.name })).toBeVisible()
    await expect(page.getByTestId('unit-occupancy')).toHaveText('共 2 间，100.00 m² · 办公室 100.00 m²')
    const figures = page.getByTestId('unit-compliance')
    await expect(figures).toContainText(`${standard.standard_area.toFixed(2)} m²`)
    await expect(figures).toContainText('100.00 m²')
    await expect(figures).toContainText(standard.status === 'over' ? '超标' : '未超标')
    await expect(page.getByRole('cell', { name: `财政大楼` }).first()).toBeVisible()
    await expectAccessible(page)
    await photograph(page, 'register-unit')

    // The change register replayed: on 2022-01-01 the unit used the first room only.
    const day = page.getByRole('combobox', { name: '查看日期' }).or(page.getByLabel('查看日期'))
    await day.first().fill('2022-01-01')
    await day.first().press('Enter')
    await expect(page.getByTestId('unit-occupancy')).toHaveText('共 1 间，60.00 m² · 办公室 60.00 m²')
    await expect(page.getByTestId('unit-rooms')).toContainText('301')
    await expect(page.getByTestId('unit-rooms')).not.toContainText('302')

    await mainMenu(page).getByRole('link', { name: '办公用房核定' }).click()
    await expect(page.getByRole('heading', { name: '办公用房核定', level: 1 })).toBeVisible()
    const row = page.getByTestId('compliance-table').getByRole('row', { name: new RegExp(unit.name) })
    await expect(row).toContainText(`${standard.standard_area.toFixed(2)} m²`)
    await expect(row).toContainText('100.00 m²')
    const report = (await (await admin.get('/api/v1/asset/reports/space-compliance?limit=1')).json()) as {
      total: number
      units_over: number
    }
    await expect(page.getByTestId('compliance-summary')).toHaveText(`超标单位 ${report.units_over} 个，共 ${report.total} 个单位`)
    // Sorted by the difference, largest first (a header clicked twice: up, then down), the
    // whole report's order as asset-svc gives it.
    const difference = page.getByTestId('compliance-table').getByRole('columnheader', { name: '差额' })
    await difference.click()
    await difference.click()
    const mostOver = (await (await admin.get('/api/v1/asset/reports/space-compliance?limit=1&sort=-difference')).json()) as {
      items: { unit_name: string }[]
    }
    await expect(page.getByTestId('compliance-table').locator('tbody tr').first()).toContainText(mostOver.items[0]!.unit_name)
    await page.locator('.el-select').filter({ has: page.getByRole('combobox', { name: '核定结果' }) }).click()
    await page.getByRole('option', { name: '超标', exact: true }).click()
    // The list closes before the next field is used (it covers the fields below it).
    await expect(page.getByRole('option', { name: '超标', exact: true })).toBeHidden()
    await page.getByRole('button', { name: '查询' }).click()
    const over = (await (await admin.get('/api/v1/asset/reports/space-compliance?limit=1&status=over')).json()) as {
      total: number
    }
    await expect(page.getByTestId('compliance-summary')).toHaveText(`超标单位 ${over.total} 个，共 ${over.total} 个单位`)
    await expect(row).toContainText('超标')
    await expectAccessible(page)
    await photograph(page, 'register-compliance')

    const download = page.waitForEvent('download')
    await page.getByTestId('compliance-download').click()
    expect((await download).suggestedFilename()).toMatch(/^space-compliance-\d{4}-\d{2}-\d{2}\.xlsx$/)

    // A unit's own staff: straight to their unit, and no city-wide report in their menu.
    const staff = await newUser(['unit_staff'], { unit_id: unit.id })
    await signOut(page)
    await signIn(page, staff.username, staff.password)
    await mainMenu(page).getByRole('link', { name: '单位与用房' }).click()
    await expect(page.getByRole('heading', { name: unit.name, level: 1 })).toBeVisible()
    await expect(mainMenu(page).getByRole('link', { name: '办公用房核定' })).toHaveCount(0)

    // A room of theirs opens on its history: the allocation that gave it to them.
    await page.getByTestId('unit-rooms').getByRole('link', { name: '301' }).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^财政大楼\w+ 301$/)
    await expect(page.getByTestId('room-facts')).toContainText(unit.name)
    const history = page.getByTestId('room-history')
    await expect(history.locator('.el-timeline-item')).toHaveCount(1)
    await expect(history).toContainText('2020-01-01')
    await expect(history).toContainText(`分配使用单位：${unit.name}`)
    await expect(history).toContainText('测试分配')
    await expectAccessible(page)
    await photograph(page, 'register-room')
  } finally {
    await admin.dispose()
  }
})

test('the bureau finds a building by its name, with its title and owner, and reads its rooms and who uses them', async ({ page }) => {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const { unit } = await unitWithRooms(admin)
    const building = ((await (await admin.get('/api/v1/asset/buildings', { params: { owner_unit_id: unit.id } })).json()) as {
      items: { id: string; name: string }[]
    }).items[0]!
    const titled = await created(
      await admin.post('/api/v1/asset/buildings', {
        data: {
          name: `档案馆${Date.now().toString(36)}`,
          address: '中原路2号',
          owner_unit_id: unit.id,
          title_certificate_no: '豫(2024)郑州市不动产权第0012345号',
          gross_area: 1200,
          use: 'office',
        },
      }),
    )
    await signIn(page, 'admin', ADMIN_PASSWORD)
    await mainMenu(page).getByRole('link', { name: '楼宇', exact: true }).click()
    await expect(page.getByRole('heading', { name: '楼宇', level: 1 })).toBeVisible()
    const words = page.getByRole('textbox', { name: '按楼宇名称或地址查找' })
    const count = page.getByRole('status').filter({ hasText: '栋楼宇' })
    await words.fill(titled.name)
    await page.keyboard.press('Enter')
    await expect(count).toHaveText('共 1 栋楼宇')
    const titledRow = page.getByTestId('buildings-table').getByRole('row', { name: new RegExp(titled.name) })
    await expect(titledRow).toContainText('豫(2024)郑州市不动产权第0012345号')
    await expect(titledRow).toContainText('1,200.00 m²')

    // A building without its title certificate says so.
    await words.fill(building.name)
    await page.getByRole('button', { name: '查询' }).click()
    await expect(count).toHaveText('共 1 栋楼宇')
    const row = page.getByTestId('buildings-table').getByRole('row', { name: new RegExp(building.name) })
    await expect(row).toContainText('未办证')
    await expect(row).toContainText(unit.name)
    await expect(row).toContainText('3,000.00 m²')
    await expectAccessible(page)
    await photograph(page, 'register-buildings')

    await row.getByRole('link', { name: building.name }).click()
    await expect(page.getByRole('heading', { name: building.name, level: 1 })).toBeVisible()
    await expect(page.getByTestId('building-facts')).toContainText('未办证')
    await expect(page.getByTestId('building-facts').getByRole('link', { name: unit.name })).toBeVisible()
    const rooms = page.getByTestId('building-rooms')
    await expect(rooms.getByRole('row')).toHaveCount(3)
    await expect(rooms.getByRole('row', { name: /301/ })).toContainText(unit.name)
    await expect(rooms.getByRole('row', { name: /302/ })).toContainText('40.00 m²')
    await expectAccessible(page)
    await photograph(page, 'register-building')
    await rooms.getByRole('link', { name: '302' }).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${building.name} 302`)
  } finally {
    await admin.dispose()
  }
})

test('an admin seats someone in an office room and moves them out; the unit’s page shows who sat where on a day', async ({ page }) => {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const { unit } = await unitWithRooms(admin)
    const person = `张测试${Date.now().toString(36)}`
    await signIn(page, 'admin', ADMIN_PASSWORD)
    await mainMenu(page).getByRole('link', { name: '单位与用房' }).click()
    await page.getByRole('textbox', { name: '按名称或代码查找单位' }).fill(unit.name)
    await page.keyboard.press('Enter')
    await page.getByRole('link', { name: unit.name }).click()
    await expect(page.getByRole('heading', { name: unit.name, level: 1 })).toBeVisible()
    await expect(page.getByText('所选日期没有登记办公的人员')).toBeVisible()

    await page.getByTestId('unit-rooms').getByRole('link', { name: '301' }).click()
    const seats = page.getByRole('region', { name: '房间使用人员' })
    await expect(seats.getByText('没有登记在此办公的人员')).toBeVisible()

    // Seated before the room was the unit's (allocated 2020-01-01): refused in words.
    await seats.getByRole('button', { name: '登记入驻' }).click()
    const taking = page.getByRole('dialog', { name: '登记入驻' })
    await taking.getByLabel('姓名').fill(person)
    await taking.locator('.el-select').filter({ has: page.getByRole('combobox', { name: '职级' }) }).click()
    await page.getByRole('option', { name: '局（处）级以下', exact: true }).click()
    await expect(page.getByRole('option', { name: '局（处）级以下', exact: true })).toBeHidden()
    await taking.getByLabel('职务').fill('科员')
    await taking.getByLabel('入驻日期').fill('2019-06-01')
    await taking.getByLabel('入驻日期').press('Enter')
    await taking.getByRole('button', { name: '提交' }).click()
    await expect(taking.getByRole('alert')).toHaveText('不能登记：房间须在入驻之日起一直分配给本单位使用，才能安排人员办公。')
    await expectAccessible(page)
    await photograph(page, 'register-seat-refused')
    await taking.getByLabel('入驻日期').fill('2021-03-01')
    await taking.getByLabel('入驻日期').press('Enter')
    await taking.getByRole('button', { name: '提交' }).click()
    await expect(taking).toBeHidden()
    const row = page.getByTestId('room-seats').getByRole('row', { name: new RegExp(person) })
    await expect(row).toContainText('局（处）级以下')
    await expect(row).toContainText('科员')
    await expect(row).toContainText('2021-03-01')
    await expectAccessible(page)
    await photograph(page, 'register-room-seats')

    await row.getByRole('button', { name: '迁出' }).click()
    const leaving = page.getByRole('dialog', { name: `迁出 · ${person}` })
    await leaving.getByLabel('迁出日期').fill('2024-12-31')
    await leaving.getByLabel('迁出日期').press('Enter')
    await leaving.getByRole('button', { name: '提交' }).click()
    await expect(leaving).toBeHidden()
    await expect(seats.getByText('没有登记在此办公的人员')).toBeVisible()

    // The unit's page on a day of the seat: who sat in which room.
    await page.getByTestId('room-facts').getByRole('link', { name: unit.name }).click()
    await expect(page.getByRole('heading', { name: unit.name, level: 1 })).toBeVisible()
    await expect(page.getByText('所选日期没有登记办公的人员')).toBeVisible()
    const day = page.getByRole('combobox', { name: '查看日期' }).or(page.getByLabel('查看日期'))
    await day.first().fill('2022-01-01')
    await day.first().press('Enter')
    const sat = page.getByTestId('unit-seats').getByRole('row', { name: new RegExp(person) })
    await expect(sat).toContainText(/财政大楼\w+ 301/)
    await expect(sat).toContainText('局（处）级以下')
    await expectAccessible(page)
    await photograph(page, 'register-unit-seats')
  } finally {
    await admin.dispose()
  }
})

test('an admin allocates a room, is refused a second allocation in words, and corrects it', async ({ page }) => {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const stamp = Date.now().toString(36)
    const finance = await created(
      await admin.post('/api/v1/asset/units', { data: { code: `0001-${stamp}-a`, name: `测试审计局${stamp}`, level: 'municipal' } }),
    )
    const culture = await created(
      await admin.post('/api/v1/asset/units', { data: { code: `0001-${stamp}-b`, name: `测试文旅局${stamp}`, level: 'municipal' } }),
    )
    const building = await created(
      await admin.post('/api/v1/asset/buildings', {
        data: { name: `综合楼${stamp}`, address: '建设路9号', owner_unit_id: finance.id, gross_area: 2000, use: 'office' },
      }),
    )
    await created(
      await admin.post('/api/v1/asset/rooms', {
        data: { building_id: building.id, floor: 5, number: '501', usable_area: 30, kind: 'office' },
      }),
    )

    await signIn(page, 'admin', ADMIN_PASSWORD)
    await mainMenu(page).getByRole('link', { name: '房产变更登记' }).click()
    await expect(page.getByRole('heading', { name: '房产变更登记', level: 1 })).toBeVisible()

    async function recordAllocation(unitName: string): Promise<void> {
      await page.getByRole('button', { name: '登记变更' }).click()
      const dialog = page.getByRole('dialog', { name: '登记变更' })
      await dialog.locator('.el-select').filter({ has: page.getByRole('combobox', { name: '变更类型' }) }).click()
      await page.getByRole('option', { name: '分配', exact: true }).click()
      // The list closes before the next field is used (it covers the fields below it).
      await expect(page.getByRole('option', { name: '分配', exact: true })).toBeHidden()
      await dialog.getByLabel('楼宇').click()
      await dialog.getByLabel('楼宇').fill(building.name)
      // The list is the search's answer (not the first buildings shown on opening) before a pick.
      await expect(page.getByRole('option')).toHaveText([new RegExp(`^${building.name}`)])
      await page.getByRole('option', { name: building.name }).click()
      await dialog.getByText(/^501 · 办公室/).click()
      await dialog.getByLabel('使用单位').click()
      await dialog.getByLabel('使用单位').fill(unitName)
      await expect(page.getByRole('option')).toHaveText([new RegExp(`^${unitName}`)])
      await page.getByRole('option', { name: unitName }).click()
      await dialog.getByLabel('文号').fill(`机管〔2026〕${stamp}号`)
      await dialog.getByLabel('事由').fill('分配办公用房')
      await dialog.getByRole('button', { name: '登记' }).click()
    }

    await recordAllocation(finance.name)
    await expect(page.getByRole('dialog', { name: '登记变更' })).toBeHidden()
    const table = page.getByTestId('changes-table')
    const allocation = table.getByRole('row', { name: new RegExp(finance.name) }).first()
    await expect(allocation).toContainText('分配')
    await expect(allocation).toContainText(`综合楼${stamp} 501`)

    // The same room again, to another unit: the register's rule, in words, and nothing recorded.
    await recordAllocation(culture.name)
    const dialog = page.getByRole('dialog', { name: '登记变更' })
    await expect(dialog.getByRole('alert')).toHaveText(
      '不能登记：房间已分配给其他单位，不能重复分配；如需改变使用单位，请登记调剂。',
    )
    await expectAccessible(page)
    await photograph(page, 'register-change-refused')
    await dialog.getByRole('button', { name: '取消' }).click()
    await expect(table.getByRole('row', { name: new RegExp(culture.name) })).toHaveCount(0)

    // Recorded by mistake: corrected by a counter-change (清退) naming it, never an edit.
    await allocation.getByRole('button', { name: /^更正/ }).click()
    const correcting = page.getByRole('dialog', { name: '更正' })
    await expect(correcting.getByRole('checkbox', { name: /^501 · 办公室/ })).toBeChecked()
    await correcting.locator('.el-select').filter({ has: page.getByRole('combobox', { name: '变更类型' }) }).click()
    await page.getByRole('option', { name: '清退', exact: true }).click()
    // The list closes before the next field is used (it covers the fields below it).
    await expect(page.getByRole('option', { name: '清退', exact: true })).toBeHidden()
    await correcting.getByLabel('事由').fill('误登记，予以更正')
    await correcting.getByRole('button', { name: '登记' }).click()
    await expect(correcting).toBeHidden()
    const correction = table.getByRole('row', { name: /误登记，予以更正/ })
    await expect(correction).toContainText('清退')
    await expect(correction).toContainText(/更正 \d{4}-\d{2}-\d{2} 的分配/)
    await expectAccessible(page)
    await photograph(page, 'register-changes')
  } finally {
    await admin.dispose()
  }
})

test('an admin fills in the template, is shown the bad row with nothing written, fixes it and imports', async ({ page }) => {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const stamp = Date.now().toString(36)
    const code = `0002-${stamp}`
    await created(await admin.post('/api/v1/asset/units', { data: { code, name: `测试住建局${stamp}`, level: 'municipal' } }))
    const buildingName = `导入楼${stamp}`
    const buildingsNamed = async (): Promise<{ total: number; items: { id: string }[] }> => {
      const answer = await admin.get('/api/v1/asset/buildings', { params: { q: buildingName } })
      expect(answer.status()).toBe(200)
      return (await answer.json()) as { total: number; items: { id: string }[] }
    }

    await signIn(page, 'admin', ADMIN_PASSWORD)
    await mainMenu(page).getByRole('link', { name: '房产资料导入' }).click()
    await expect(page.getByRole('heading', { name: '房产资料导入', level: 1 })).toBeVisible()

    // The template as a person gets it, its example rows replaced by their own.
    const downloading = page.waitForEvent('download')
    await page.getByRole('button', { name: '下载模板' }).click()
    const template = await downloading
    const book = new ExcelJS.Workbook()
    await book.xlsx.readFile(await template.path())
    const buildings = book.getWorksheet('楼宇 buildings')!
    const rooms = book.getWorksheet('房间 rooms')!
    buildings.spliceRows(2, 1, ['T1', buildingName, '测试路1号', code, '', 2000, 1500, 2010, 'office'])
    rooms.spliceRows(2, 1, ['T1', 1, '101', 20, 'office'], ['T1', 1, '102', 15, '会议室'])

    async function upload(): Promise<void> {
      const choosing = page.waitForEvent('filechooser')
      await page.getByRole('button', { name: '选择 Excel 文件并导入' }).click()
      const buffer = Buffer.from(await book.xlsx.writeBuffer())
      await (await choosing).setFiles({
        name: '清查登记表.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer,
      })
    }

    await upload()
    await expect(page.getByRole('main').getByRole('alert')).toHaveText('1 处错误，本次没有导入任何数据。请改正后重新上传。')
    const faults = page.getByTestId('import-faults')
    await expect(faults.getByRole('row')).toHaveCount(2)
    await expect(faults.getByRole('row').nth(1)).toHaveText(
      /^房间\s*3\s*类别\s*只能填写以下之一：office、service、equipment、ancillary、residential、parking、other$/,
    )
    expect((await buildingsNamed()).total).toBe(0)
    await expectAccessible(page)
    await photograph(page, 'register-import-refused')

    // Fixed, the same file goes in whole.
    rooms.getRow(3).getCell(5).value = 'service'
    await upload()
    await expect(page.getByRole('main').getByRole('status')).toHaveText('已导入：楼宇 1 栋，房间 2 间')
    const imported = await buildingsNamed()
    expect(imported.total).toBe(1)
    const roomsAnswer = await admin.get('/api/v1/asset/rooms', { params: { building_id: imported.items[0]!.id } })
    expect(((await roomsAnswer.json()) as { items: { number: string; kind: string }[] }).items.map((room) => [room.number, room.kind])).toEqual([
      ['101', 'office'],
      ['102', 'service'],
    ])
    await expectAccessible(page)
    await photograph(page, 'register-imports')
  } finally {
    await admin.dispose()
  }
})

test('a renovation beyond the cost cap waits for a leader, who approves it with a reason; its works start and are accepted', async ({ page }) => {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  const leader = await newUser(['leader'])
  try {
    const stamp = Date.now().toString(36)
    const unit = await created(
      await admin.post('/api/v1/asset/units', { data: { code: `0003-${stamp}`, name: `测试民政局${stamp}`, level: 'municipal' } }),
    )
    const building = await created(
      await admin.post('/api/v1/asset/buildings', {
        data: { name: `民政楼${stamp}`, address: '民主路6号', owner_unit_id: unit.id, gross_area: 1000, use: 'office' },
      }),
    )
    const room = await created(
      await admin.post('/api/v1/asset/rooms', { data: { building_id: building.id, floor: 6, number: '601', usable_area: 20, kind: 'office' } }),
    )
    const title = `601室墙面翻新${stamp}`
    const table = page.getByTestId('renovations-table')
    const row = table.getByRole('row', { name: new RegExp(title) })
    const openRenovations = async (): Promise<void> => {
      await mainMenu(page).getByRole('link', { name: '房屋修缮' }).click()
      await expect(page.getByRole('heading', { name: '房屋修缮', level: 1 })).toBeVisible()
    }

    // 40 000 yuan for 20 m² is beyond the 1 500 yuan/m² cap: the row says so, and that it is the leaders'.
    await signIn(page, 'admin', ADMIN_PASSWORD)
    await openRenovations()
    await page.getByRole('button', { name: '申请修缮' }).click()
    const requesting = page.getByRole('dialog', { name: '申请修缮' })
    await requesting.getByRole('combobox', { name: '楼宇' }).click()
    await requesting.getByRole('combobox', { name: '楼宇' }).fill(building.name)
    await expect(page.getByRole('option')).toHaveText([new RegExp(`^${building.name}`)])
    await page.getByRole('option', { name: building.name }).click()
    await requesting.getByText(/^601 · 办公室/).click()
    await requesting.getByLabel('项目名称').fill(title)
    await requesting.getByLabel('修缮面积（m²）').fill('20')
    await requesting.getByLabel('预算（元）').fill('40000')
    await requesting.getByLabel('文号').fill(`民政〔2026〕${stamp}号`)
    await requesting.getByLabel('申请事由').fill('墙皮脱落，地面起鼓')
    await requesting.getByRole('button', { name: '提交' }).click()
    await expect(requesting).toBeHidden()
    await expect(row).toContainText('待审批')
    await expect(row).toContainText('超出标准：每平方米预算超过修缮标准上限，须由领导批准')
    await expect(row.getByRole('button', { name: '批准' })).toHaveCount(0)
    await expectAccessible(page)
    await photograph(page, 'register-renovation-requested')

    // The leader finds it in the cockpit, whose line opens that request alone, with its
    // actions; is told why a reason is needed, and cannot approve without one.
    await signOut(page)
    await signIn(page, leader.username, leader.password)
    await page.getByTestId('cockpit-renovations').getByRole('link', { name: title }).click()
    await expect(page.getByRole('heading', { name: '房屋修缮', level: 1 })).toBeVisible()
    await expect(page.getByText('只显示从领导驾驶舱打开的这一项申请。')).toBeVisible()
    await expect(table.locator('tbody tr')).toHaveCount(1)
    await row.getByRole('button', { name: '批准' }).click()
    const approving = page.getByRole('dialog', { name: '批准' })
    await expect(approving).toContainText('该项目每平方米预算超过修缮标准上限，须说明批准理由。')
    await approving.getByRole('button', { name: '提交' }).click()
    await expect(approving).toContainText('请填写理由')
    await approving.getByLabel('批准理由').fill('涉及消防整改')
    await approving.getByRole('button', { name: '提交' }).click()
    await expect(approving).toBeHidden()
    await expect(row).toContainText('已批准')
    await expect(row).toContainText('领导批准（每平方米预算超过修缮标准上限）：涉及消防整改')
    await page.getByRole('button', { name: '显示全部申请' }).click()
    await expect(page.getByText('只显示从领导驾驶舱打开的这一项申请。')).toHaveCount(0)
    await expect(row).toContainText('已批准')

    // The asset office records the works: started, then accepted at their final cost.
    await signOut(page)
    await signIn(page, 'admin', ADMIN_PASSWORD)
    await openRenovations()
    await row.getByRole('button', { name: '开工' }).click()
    const confirming = page.getByRole('dialog', { name: '请确认' })
    await confirming.getByRole('button', { name: '开工', exact: true }).click()
    await expect(row).toContainText('施工中')
    await row.getByRole('button', { name: '验收' }).click()
    const accepting = page.getByRole('dialog', { name: '验收' })
    await accepting.getByLabel('决算（元）').fill('38000.5')
    await accepting.getByRole('button', { name: '提交' }).click()
    await expect(accepting).toBeHidden()
    await expect(row).toContainText('已验收')
    await expect(row).toContainText('¥38,000.50')
    // Accepting recorded the works in the change register.
    const renovated = await admin.get('/api/v1/asset/changes', { params: { type: 'renovate', room_id: room.id } })
    expect(((await renovated.json()) as { total: number }).total).toBe(1)
    await expectAccessible(page)
    await photograph(page, 'register-renovations')
  } finally {
    await admin.dispose()
  }
})

test('an admin records a home and a household moving in; a past day shows it vacant, a move out before it is refused in words', async ({ page }) => {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const stamp = Date.now().toString(36)
    const unit = await created(
      await admin.post('/api/v1/asset/units', { data: { code: `0004-${stamp}`, name: `测试交通局${stamp}`, level: 'municipal' } }),
    )
    const building = await created(
      await admin.post('/api/v1/asset/buildings', {
        data: { name: `职工宿舍${stamp}`, address: '文化路3号', owner_unit_id: unit.id, gross_area: 5000, use: 'residential' },
      }),
    )
    const household = `王测试${stamp}`
    const number = `${stamp}-101`

    await signIn(page, 'admin', ADMIN_PASSWORD)
    await mainMenu(page).getByRole('link', { name: '职工住房' }).click()
    await expect(page.getByRole('heading', { name: '职工住房', level: 1 })).toBeVisible()
    const pickBuilding = async (scope: Locator): Promise<void> => {
      await scope.getByRole('combobox', { name: '楼宇' }).click()
      await scope.getByRole('combobox', { name: '楼宇' }).fill(building.name)
      await expect(page.getByRole('option')).toHaveText([new RegExp(`^${building.name}`)])
      await page.getByRole('option', { name: building.name }).click()
    }

    await page.getByRole('button', { name: '登记住房' }).click()
    const recording = page.getByRole('dialog', { name: '登记住房' })
    await pickBuilding(recording)
    await recording.getByLabel('房号').fill(number)
    await recording.getByLabel('使用面积').fill('89.5')
    await recording.getByLabel('户型').fill('三室一厅')
    await recording.getByRole('button', { name: '提交' }).click()
    await expect(recording).toBeHidden()

    await pickBuilding(page.locator('form.housing-filters'))
    const home = page.getByTestId('housing-table').getByRole('row', { name: new RegExp(number) })
    await expect(home).toContainText('空置')
    await home.getByRole('button', { name: '入住' }).click()
    const movingIn = page.getByRole('dialog', { name: /^入住/ })
    await movingIn.getByLabel('所属单位').click()
    await movingIn.getByLabel('所属单位').fill(unit.name)
    await expect(page.getByRole('option')).toHaveText([new RegExp(`^${unit.name}`)])
    await page.getByRole('option', { name: unit.name }).click()
    await movingIn.getByLabel('住户姓名').fill(household)
    await movingIn.getByLabel('日期').fill('2025-03-01')
    await movingIn.getByLabel('日期').press('Enter')
    await movingIn.getByLabel('文号').fill(`房管〔2025〕${stamp}号`)
    await movingIn.getByRole('button', { name: '提交' }).click()
    await expect(movingIn).toBeHidden()
    await expect(home).toContainText(household)
    await expect(home).toContainText(unit.name)
    await expect(home).toContainText('2025-03-01')

    // The day before, the home stood empty.
    const day = page.getByRole('combobox', { name: '查看日期' }).or(page.getByLabel('查看日期'))
    await day.first().fill('2025-02-28')
    await day.first().press('Enter')
    await expect(home).toContainText('空置')
    await expect(home).not.toContainText(household)
    // Back to today (the screen opened afresh), all buildings.
    await mainMenu(page).getByRole('link', { name: '房屋修缮' }).click()
    await mainMenu(page).getByRole('link', { name: '职工住房' }).click()

    // Moving out before moving in breaks the order of moves: said in words, nothing recorded.
    await home.getByRole('button', { name: '腾退' }).click()
    const movingOut = page.getByRole('dialog', { name: /^腾退/ })
    await movingOut.getByLabel('日期').fill('2025-01-01')
    await movingOut.getByLabel('日期').press('Enter')
    await movingOut.getByRole('button', { name: '提交' }).click()
    await expect(movingOut.getByRole('alert')).toHaveText(
      '不能登记：入住、腾退须按日期先后登记，日期不能早于该住房已登记的最近一次变动。',
    )
    await expectAccessible(page)
    await photograph(page, 'register-housing-refused')
    await movingOut.getByLabel('日期').fill('2026-01-15')
    await movingOut.getByLabel('日期').press('Enter')
    await movingOut.getByRole('button', { name: '提交' }).click()
    await expect(movingOut).toBeHidden()

    await home.getByRole('button', { name: '履历' }).click()
    const history = page.getByTestId('housing-history')
    await expect(history.locator('.el-timeline-item')).toHaveCount(2)
    await expect(history.locator('.el-timeline-item').first()).toContainText(`腾退：${household}（${unit.name}）`)
    await expect(history.locator('.el-timeline-item').last()).toContainText(`入住：${household}（${unit.name}）`)
    await expectAccessible(page)
    await photograph(page, 'register-housing')
  } finally {
    await admin.dispose()
  }
})

test('anyone reads a unit’s office space against its standard on its public page, without signing in', async ({ page }) => {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const { unit } = await unitWithRooms(admin)
    const summary = (await (await admin.get(`/public/v1/asset/units/${unit.id}/summary`)).json()) as {
      standard_area: number
      status: 'over' | 'within'
    }
    // The address a unit's page links to, opened by someone who never signed in.
    await page.goto(`/public/units/${unit.id}`)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${unit.name} · 办公用房使用情况公示`)
    const figures = page.getByTestId('disclosure-figures')
    await expect(figures).toContainText('办公室用房面积100.00 m²')
    await expect(figures).toContainText(`核定标准面积${summary.standard_area.toFixed(2)} m²`)
    await expect(figures).toContainText(summary.status === 'over' ? '超标' : '未超标')
    await expect(page.getByTestId('disclosure-classes').getByRole('row', { name: /办公室/ })).toContainText('100.00 m²')
    await expect(page.getByText('办公用房合计：100.00 m²')).toBeVisible()
    await expectAccessible(page)
    await photograph(page, 'public-unit')

    await page.goto('/public/units/no-such-unit')
    await expect(page.getByRole('alert')).toContainText('没有这个单位的公示信息')
  } finally {
    await admin.dispose()
  }
})

test('an admin counts a building room by room on a phone and closes the stocktake into its report', async ({ page }) => {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const stamp = Date.now().toString(36)
    const unit = await created(
      await admin.post('/api/v1/asset/units', { data: { code: `0005-${stamp}`, name: `测试统计局${stamp}`, level: 'municipal' } }),
    )
    const building = await created(
      await admin.post('/api/v1/asset/buildings', {
        data: { name: `统计楼${stamp}`, address: '统计路7号', owner_unit_id: unit.id, gross_area: 800, use: 'office' },
      }),
    )
    for (const [number, area, kind] of [
      ['701', 20, 'office'],
      ['702', 30, 'office'],
      ['703', 15, 'service'],
    ] as const) {
      const room = await created(
        await admin.post('/api/v1/asset/rooms', { data: { building_id: building.id, floor: 7, number, usable_area: area, kind } }),
      )
      if (number !== '703') {
        const allocated = await admin.post('/api/v1/asset/changes', {
          data: { type: 'allocate', room_ids: [room.id], unit_id: unit.id, effective_date: '2024-01-01', reason: '测试分配' },
        })
        expect(allocated.status(), await allocated.text()).toBe(201)
      }
    }

    await page.setViewportSize({ width: 390, height: 844 })
    await signIn(page, 'admin', ADMIN_PASSWORD)
    await mainMenu(page).getByRole('link', { name: '清查盘点' }).click()
    await page.getByRole('button', { name: '新建盘点' }).click()
    const opening = page.getByRole('dialog', { name: '新建盘点' })
    await opening.getByLabel('盘点名称').fill(`2026年度清查${stamp}`)
    await opening.getByText('按楼宇').click()
    await opening.getByRole('combobox', { name: '楼宇' }).click()
    await opening.getByRole('combobox', { name: '楼宇' }).fill(building.name)
    await expect(page.getByRole('option')).toHaveText([new RegExp(`^${building.name}`)])
    await page.getByRole('option', { name: building.name }).click()
    await opening.getByRole('button', { name: '提交' }).click()
    await expect(page.getByRole('heading', { name: `2026年度清查${stamp}`, level: 1 })).toBeVisible()
    await expect(page.getByTestId('stocktake-progress')).toHaveText('账面房间 0/3 已核对')

    const room = (number: string) => page.getByTestId('stocktake-rooms').locator('li').filter({ hasText: `${building.name} ${number}` })
    // 701 stands as the books have it.
    await room('701').getByRole('button', { name: '相符' }).click()
    await expect(room('701')).toContainText(`已录：20.00 m²，办公室，${unit.name}`)
    // 702 measures 28 m², not 30.
    await room('702').getByRole('button', { name: '有出入' }).click()
    const differs = page.getByRole('dialog', { name: `${building.name} 702` })
    await differs.getByLabel('实测面积（m²）').fill('28')
    await differs.getByRole('button', { name: '提交' }).click()
    await expect(differs).toBeHidden()
    await expect(room('702')).toContainText(`已录：28.00 m²，办公室，${unit.name}`)
    // 709 is there and not on the books; 703 is never found.
    await page.getByRole('button', { name: '账外房间' }).click()
    const extra = page.getByRole('dialog', { name: '账外房间' })
    await extra.getByLabel('房号').fill('709')
    await extra.getByLabel('实测面积（m²）').fill('12')
    await extra.getByRole('button', { name: '提交' }).click()
    await expect(extra).toBeHidden()
    await expect(room('709')).toContainText('已录：12.00 m²，办公室，无（空置）')
    await expect(page.getByTestId('stocktake-progress')).toHaveText('账面房间 2/3 已核对')
    await expectAccessible(page)
    await photograph(page, 'register-stocktake-count')

    await page.getByRole('button', { name: '结束盘点' }).click()
    const confirming = page.getByRole('dialog', { name: '请确认' })
    await expect(confirming).toContainText('已核对 2/3 间')
    await confirming.getByRole('button', { name: '结束盘点' }).click()
    await expect(page.getByTestId('stocktake-summary')).toHaveText('账实相符 1 间；账实不符 1 间；盘盈 1 间；盘亏 1 间')
    await expect(page.getByTestId('stocktake-discrepancies')).toContainText('面积')
    await expect(page.getByTestId('stocktake-shortfalls')).toContainText('703')
    await expect(page.getByTestId('stocktake-surpluses')).toContainText('709')
    await expectAccessible(page)
    await photograph(page, 'register-stocktake-report')
  } finally {
    await admin.dispose()
  }
})

test('a unit is presented slide by slide, by keyboard and clicker, and prints one A4 page per slide', async ({ page }) => {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const { unit } = await unitWithRooms(admin)
    const stamp = Date.now().toString(36)
    const empty = await created(
      await admin.post('/api/v1/asset/units', { data: { code: `0006-${stamp}`, name: `测试空单位${stamp}`, level: 'county' } }),
    )
    await signIn(page, 'admin', ADMIN_PASSWORD)

    async function present(name: string): Promise<void> {
      await mainMenu(page).getByRole('link', { name: '单位与用房' }).click()
      await page.getByRole('searchbox').or(page.getByRole('textbox', { name: '按名称或代码查找单位' })).fill(name)
      await page.keyboard.press('Enter')
      await page.getByRole('link', { name }).click()
      await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible()
      await page.getByRole('link', { name: '演示' }).click()
      await expect(page.getByTestId('slide-title').getByRole('heading', { name, level: 1 })).toBeAttached()
    }

    // Every slide of a unit with rooms, moved through as a clicker does (PageDown).
    await present(unit.name)
    // The bureau's people open on the city-wide slide, the report's own counts.
    const slides = ['city', 'title', 'staffing', 'space', 'rooms', 'housing', 'renovations', 'tickets']
    const citywide = (await (await admin.get('/api/v1/asset/reports/space-compliance?limit=1')).json()) as {
      total: number
      units_over: number
    }
    await expect(page.getByTestId('slide-city')).toContainText(`共 ${citywide.total} 个单位，其中超标 ${citywide.units_over} 个`)
    for (const [index, slide] of slides.entries()) {
      await expect(page.getByTestId('slide-position')).toHaveText(`第 ${index + 1} / ${slides.length} 页`)
      await expect(page.getByTestId(`slide-${slide}`)).toBeVisible()
      if (slide === 'city') {
        await expect(page.getByTestId('slide-city').locator('svg').first()).toBeVisible()
        await photograph(page, 'present-city')
      }
      if (slide === 'space') {
        await expect(page.getByTestId('slide-space')).toContainText('实际办公室面积 100.00 m²')
        await expect(page.getByTestId('slide-space').locator('svg').first()).toBeVisible()
        await photograph(page, 'present-space')
      }
      if (slide === 'rooms') await expect(page.getByTestId('slide-rooms')).toContainText('使用房间 2 间，合计 100.00 m²')
      await page.keyboard.press('PageDown')
    }
    await page.keyboard.press('Home')
    await page.keyboard.press('n')
    await expect(page.getByTestId('slide-city').getByRole('complementary', { name: '讲稿' })).toBeVisible()
    await expectAccessible(page)

    // Printed to PDF by Chromium: one A4 landscape page per slide.
    await page.emulateMedia({ media: 'print' })
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true })
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []
    expect(pages).toHaveLength(slides.length)
    await page.emulateMedia({ media: 'screen' })

    // A unit with no rooms, no staffing, nothing else: every slide still says so in words.
    await page.getByRole('link', { name: '返回' }).click()
    await present(empty.name)
    await page.keyboard.press('End')
    await expect(page.getByTestId('slide-tickets')).toContainText('没有服务申请')
    await page.keyboard.press('Home')
    for (const slide of slides) {
      await expect(page.getByTestId(`slide-${slide}`)).toBeVisible()
      await page.keyboard.press('ArrowRight')
    }
    await expect(page.getByTestId('slide-rooms')).toContainText('该单位没有使用中的房间')

    // A department head reads the register but neither renovations nor housing: those slides
    // say they are not theirs to read rather than "none"; no city-wide slide either.
    const head = await newUser(['dept_head'])
    await page.getByRole('link', { name: '返回' }).click()
    await signOut(page)
    await signIn(page, head.username, head.password)
    await present(unit.name)
    for (const [index, slide] of ['title', 'staffing', 'space', 'rooms', 'housing', 'renovations'].entries()) {
      await expect(page.getByTestId('slide-position')).toHaveText(`第 ${index + 1} / 7 页`)
      await expect(page.getByTestId(`slide-${slide}`)).toBeVisible()
      if (slide === 'housing' || slide === 'renovations') {
        await expect(page.getByTestId(`slide-${slide}`)).toContainText('此项不在您的查阅范围内，未予显示')
      }
      await page.keyboard.press('ArrowRight')
    }
  } finally {
    await admin.dispose()
  }
})

test('a unit of 5 000 rooms is presented whole, every slide without a console error', async ({ page }) => {
  test.setTimeout(180_000)
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const stamp = Date.now().toString(36)
    const code = `0007-${stamp}`
    const unit = await created(await admin.post('/api/v1/asset/units', { data: { code, name: `测试大单位${stamp}`, level: 'municipal' } }))
    const staffing = await admin.put(`/api/v1/asset/units/${unit.id}/staffing`, {
      data: [
        { rank: 'head', headcount: 1 },
        { rank: 'deputy', headcount: 4 },
        { rank: 'staff', headcount: 2000 },
      ],
    })
    expect(staffing.status(), await staffing.text()).toBe(200)
    // The inventory workbook as an agency fills it in: one building, 5 000 rooms of every kind.
    const book = new ExcelJS.Workbook()
    const template = await (await admin.get('/api/v1/asset/imports/template')).body()
    await book.xlsx.load(new Uint8Array(template).buffer)
    const buildingName = `综合楼${stamp}`
    book.getWorksheet('楼宇 buildings')!.spliceRows(2, 1, ['B', buildingName, '人民路9号', code, '', 200000, 150000, 2005, 'office'])
    const kinds = ['office', 'office', 'office', 'service', 'equipment', 'ancillary', 'parking', 'residential', 'other']
    const rooms = book.getWorksheet('房间 rooms')!
    rooms.spliceRows(2, rooms.rowCount)
    for (let room = 0; room < 5000; room += 1) {
      rooms.addRow(['B', Math.floor(room / 100) + 1, String(10000 + room), 12 + (room % 7) * 3, kinds[room % kinds.length]])
    }
    const imported = await admin.post('/api/v1/asset/imports', {
      headers: { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      data: Buffer.from(await book.xlsx.writeBuffer()),
    })
    expect(imported.status(), await imported.text()).toBe(200)
    const building = ((await (await admin.get('/api/v1/asset/buildings', { params: { q: buildingName } })).json()) as { items: { id: string }[] })
      .items[0]!
    const roomIds: string[] = []
    while (roomIds.length < 5000) {
      const listed = await admin.get('/api/v1/asset/rooms', { params: { building_id: building.id, limit: 500, offset: roomIds.length } })
      roomIds.push(...((await listed.json()) as { items: { id: string }[] }).items.map((room) => room.id))
    }
    const allocated = await admin.post('/api/v1/asset/changes', {
      data: { type: 'allocate', room_ids: roomIds, unit_id: unit.id, effective_date: '2020-01-01', reason: '测试整栋分配' },
    })
    expect(allocated.status(), await allocated.text()).toBe(201)
    const held = (await (await admin.get(`/api/v1/asset/units/${unit.id}/occupancy`)).json()) as { room_count: number; total_area: number }
    expect(held.room_count).toBe(5000)

    await signIn(page, 'admin', ADMIN_PASSWORD)
    await mainMenu(page).getByRole('link', { name: '单位与用房' }).click()
    await page.getByRole('textbox', { name: '按名称或代码查找单位' }).fill(unit.name)
    await page.keyboard.press('Enter')
    await page.getByRole('link', { name: unit.name }).click()
    await expect(page.getByTestId('unit-occupancy')).toContainText('共 5000 间')
    await page.getByRole('link', { name: '演示' }).click()
    await expect(page.getByTestId('slide-title').getByRole('heading', { name: unit.name, level: 1 })).toBeAttached()
    const slides = ['city', 'title', 'staffing', 'space', 'rooms', 'housing', 'renovations', 'tickets']
    for (const [index, slide] of slides.entries()) {
      await expect(page.getByTestId('slide-position')).toHaveText(`第 ${index + 1} / ${slides.length} 页`)
      await expect(page.getByTestId(`slide-${slide}`)).toBeVisible()
      if (slide === 'rooms') {
        await expect(page.getByTestId('slide-rooms')).toContainText(
          `使用房间 5000 间，合计 ${new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2 }).format(held.total_area)} m²`,
        )
        await expect(page.getByTestId('slide-rooms').locator('svg').first()).toBeVisible()
        await photograph(page, 'present-rooms-5000')
      }
      await page.keyboard.press('PageDown')
    }
    await page.emulateMedia({ media: 'print' })
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true })
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).toHaveLength(slides.length)
  } finally {
    await admin.dispose()
  }
})
