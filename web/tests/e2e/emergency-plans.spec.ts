// Writing emergency plans and keeping the supplies, in a browser against the real platform:
// a leader drafts a special plan in the editor (roles with holders and a deputy picked by
// name, steps at grade III, sandbags among its safeguards), is told plainly what is missing,
// puts it in force, then edits it into version 2 and reads what changed; a commander
// receives the sandbags into a store below its minimum, activates an incident of the plan's
// type — the board shows the plan's tasks and the sandbags reserved — and releases the
// reservation on the supplies screen.
import type { Locator, Page } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { ADMIN_PASSWORD, apiAs, expect, expectAccessible, mainMenu, newUser, photograph, signIn, signOut, test } from './support'

/** Opens an Element Plus select by its label (its placeholder covers the input). */
async function choose(scope: Locator | Page, label: string): Promise<void> {
  await scope.locator('.el-select').filter({ has: scope.getByRole('combobox', { name: label }) }).click()
}

/** Picks `option` in the select labelled `label`, and closes a multiple select's list. */
async function pick(page: Page, label: string, option: string): Promise<void> {
  await choose(page, label)
  await page.getByRole('option', { name: option, exact: true }).click()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('option', { name: option, exact: true })).toBeHidden()
}

test('a leader drafts, activates and revises a plan; its incident reserves the supplies a commander received and then releases', async ({ page }) => {
  test.setTimeout(240_000)
  const suffix = randomUUID().slice(0, 8)
  const department = `应急办${suffix}`
  // The evacuation team's holder and deputy are picked by name; they need not sign in.
  const [leader, commander] = await Promise.all([
    newUser(['leader'], { department, display_name: `局领导${suffix}` }),
    newUser(['commander'], { department, display_name: `指挥长${suffix}` }),
    newUser(['agent'], { department, display_name: `疏散组长${suffix}` }),
    newUser(['agent'], { department, display_name: `疏散副组长${suffix}` }),
  ])
  const type = { code: `e2e_plan_${suffix}`, name: `配电房进水${suffix}` }
  const bags = { code: `e2e_bag_${suffix}`, name: `防汛沙袋${suffix}` }
  const store = `北院物资库${suffix}`
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    expect((await admin.post('/api/v1/emergency/incident-types', { data: type })).status()).toBe(201)
    expect((await admin.post('/api/v1/emergency/supplies/items', { data: { ...bags, unit: '袋' } })).status()).toBe(201)
    // The store keeps at least 20 sandbags and has none: below its minimum.
    expect((await admin.post('/api/v1/emergency/supplies', { data: { location: store, item_code: bags.code, quantity: 0, minimum: 20 } })).status()).toBe(201)
  } finally {
    await admin.dispose()
  }
  const title = `配电房进水专项预案${suffix}`
  const evacuate = `组织配电房人员疏散${suffix}`

  // The leader opens a new plan and saves it half written: each gap is named at its field.
  await signIn(page, leader.username, leader.password)
  await mainMenu(page).getByRole('link', { name: '应急预案' }).click()
  await page.getByRole('link', { name: '新建预案' }).click()
  await expect(page.getByRole('heading', { name: '新建预案', level: 1 })).toBeVisible()
  await page.getByRole('button', { name: '保存草稿' }).click()
  await expect(page.getByText('请填写预案名称')).toBeVisible()
  await expect(page.getByText('专项预案须选择至少一个适用的事件类型')).toBeVisible()
  await expect(page.getByText('请填写预案编号：以字母或数字开头，只含字母、数字、-、_、.')).toBeVisible()

  await page.getByLabel('预案编号').fill(`SP-E2E-${suffix}`)
  await page.getByLabel('预案名称').fill(title)
  await page.getByRole('combobox', { name: '适用事件类型' }).fill(type.name)
  await page.getByRole('option', { name: type.name }).click()
  await page.keyboard.press('Escape')
  // People are picked by name from the emergency office's staff.
  await page.getByLabel('从此处室选人').fill(department)
  await pick(page, '岗位 1 责任人', `指挥长${suffix}`)
  await page.getByRole('button', { name: '增加岗位' }).click()
  await page.getByLabel('岗位 2 岗位名称').fill('疏散组')
  await pick(page, '岗位 2 责任人', `疏散组长${suffix}`)
  await pick(page, '岗位 2 副职', `疏散副组长${suffix}`)

  const grade3 = page.getByRole('region', { name: 'Ⅲ级 较大' })
  await grade3.getByLabel('Ⅲ级 较大 启动条件').fill('配电房进水，影响单栋楼宇供电')
  await page.getByRole('button', { name: 'Ⅲ级 较大 增加步骤' }).click()
  await page.getByLabel('Ⅲ级 较大 第 1 步 处置措施').fill('启动三级响应，通知物业抢修')
  await page.getByRole('button', { name: 'Ⅲ级 较大 增加步骤' }).click()
  await pick(page, 'Ⅲ级 较大 第 2 步 岗位', '疏散组')
  await page.getByLabel('Ⅲ级 较大 第 2 步 处置措施').fill(evacuate)
  await page.getByLabel('Ⅲ级 较大 第 2 步 时限（分钟）').fill('20')
  await page.getByRole('button', { name: '增加物资' }).click()
  await pick(page, '物资 1', `${bags.name}（袋）`)
  await page.getByLabel('数量 1').fill('10')
  await page.getByLabel('依托队伍').fill('物业抢修队')
  await expect(page.getByText('请填写预案名称')).toHaveCount(0)
  await expectAccessible(page)
  await photograph(page, 'emergency-plan-editor')

  // Saved as a draft, the plan opens with its organisation, steps and safeguards.
  await page.getByRole('button', { name: '保存草稿' }).click()
  const drawer = page.getByRole('dialog', { name: title })
  await expect(drawer.getByText('草稿')).toBeVisible()
  await expect(drawer.getByRole('row', { name: /疏散组/ })).toContainText(`疏散组长${suffix}`)
  await expect(drawer.getByRole('row', { name: /疏散组/ })).toContainText(`疏散副组长${suffix}`)
  await expect(drawer.getByText(`疏散组：${evacuate}`)).toBeVisible()
  await expect(drawer.getByText(`所需物资：${bags.name} 10 袋`)).toBeVisible()

  // In force, then revised: version 2 adds a grade-II step, and says so.
  await drawer.getByRole('button', { name: '生效' }).click()
  await page.getByRole('dialog', { name: '请确认' }).getByRole('button', { name: '生效' }).click()
  await expect(drawer.getByText('生效', { exact: true })).toBeVisible()
  await drawer.getByRole('link', { name: '修改预案' }).click()
  await expect(page.getByRole('heading', { name: '修改预案', level: 1 })).toBeVisible()
  await expect(page.getByText('该预案正在生效')).toBeVisible()
  await expect(page.getByLabel('Ⅲ级 较大 第 2 步 处置措施')).toHaveValue(evacuate)
  await page.getByRole('button', { name: 'Ⅱ级 重大 增加步骤' }).click()
  await page.getByLabel('Ⅱ级 重大 第 1 步 处置措施').fill('启动二级响应，报告局领导')
  await page.getByRole('button', { name: '保存为新版本' }).click()
  await expect(page.getByText('已保存为第 2 版')).toBeVisible()
  await expect(drawer.getByTestId('plan-versions').getByRole('row', { name: /第 2 版/ })).toBeVisible()
  await drawer.getByTestId('plan-versions').getByRole('row', { name: /第 2 版/ }).getByRole('button', { name: '查看改动' }).click()
  await expect(drawer.getByRole('region', { name: '第 2 版相对第 1 版的改动' })).toHaveText(/Ⅱ级 重大增加第 1 步：总指挥：启动二级响应，报告局领导/)
  await expectAccessible(page)
  await photograph(page, 'emergency-plan-versions')
  await page.keyboard.press('Escape')
  await signOut(page)

  // The commander finds the store below its minimum, first on the list, and receives 30.
  await signIn(page, commander.username, commander.password)
  await page.getByRole('link', { name: '查看应急物资' }).click()
  await expect(page.getByRole('heading', { name: '应急物资', level: 1 })).toBeVisible()
  const stockRow = page.getByTestId('stock').getByRole('row', { name: new RegExp(bags.name) })
  await expect(stockRow).toContainText('低于最低储备')
  await expect(page.getByTestId('stock').locator('tbody tr').first()).toContainText('低于最低储备')
  await expect(page.getByText(/处库存低于最低储备$/)).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'emergency-supplies')
  await stockRow.getByRole('button', { name: '入库' }).click()
  const receiving = page.getByRole('dialog', { name: `入库：${bags.name}（${store}）` })
  await receiving.getByLabel('数量').fill('30')
  await expect(receiving.getByText('记录后现有 30 袋')).toBeVisible()
  await receiving.getByRole('button', { name: '入库' }).click()
  await expect(receiving.getByText('请填写事由')).toBeVisible()
  await receiving.getByLabel('事由').fill('防汛物资采购入库')
  await receiving.getByRole('button', { name: '入库' }).click()
  await expect(receiving).toBeHidden()
  await expect(stockRow).toContainText('30 袋')
  await expect(stockRow).not.toContainText('低于最低储备')
  await stockRow.getByRole('button', { name: '流水' }).click()
  const history = page.getByRole('dialog', { name: `${bags.name} · ${store}` })
  await expect(history.getByTestId('movements').getByRole('row', { name: /入库 \+30/ })).toContainText('防汛物资采购入库')
  await expectAccessible(page)
  await photograph(page, 'emergency-supply-history')
  await page.keyboard.press('Escape')

  // An incident of the plan's type: activated, it runs under version 2 with its tasks, and
  // the sandbags are held for it.
  const incidentTitle = `北院配电房进水${suffix}`
  const asCommander = await apiAs(commander.username, commander.password)
  try {
    const made = await asCommander.post('/api/v1/emergency/incidents', { data: { type: type.code, level: 'III', title: incidentTitle } })
    expect(made.status(), await made.text()).toBe(201)
  } finally {
    await asCommander.dispose()
  }
  await mainMenu(page).getByRole('link', { name: '突发事件' }).click()
  await page.getByRole('link', { name: incidentTitle }).click()
  await expect(page.getByText(`适用预案：SP-E2E-${suffix}（第 2 版）`)).toBeVisible()
  await page.getByRole('button', { name: '启动响应' }).click()
  await page.getByRole('dialog', { name: '请确认' }).getByRole('button', { name: '启动响应' }).click()
  await expect(page.getByTestId('incident-status')).toHaveText('响应中')
  const task = page.getByTestId('task').filter({ hasText: evacuate })
  await expect(task).toContainText(`承办人：疏散组长${suffix}`)
  await expect(task).toContainText(`副职（替补）：疏散副组长${suffix}`)
  await expect(page.getByRole('region', { name: '应急物资' }).getByRole('listitem').filter({ hasText: '已预留' })).toContainText(`${bags.name} · 10 袋`)

  // On the supplies screen the reservation is the incident's; released, the store is whole.
  await mainMenu(page).getByRole('link', { name: '应急物资' }).click()
  await expect(stockRow).toContainText('30 袋')
  await page.getByRole('tab', { name: '事件预留' }).click()
  const reservation = page.getByTestId('reservations').getByRole('row', { name: new RegExp(incidentTitle) })
  await expect(reservation).toContainText(`${bags.name}`)
  await expect(reservation).toContainText('10 袋')
  await expect(reservation).toContainText('预留中')
  await expectAccessible(page)
  await photograph(page, 'emergency-reservations')
  await reservation.getByRole('button', { name: '释放' }).click()
  await page.getByRole('dialog', { name: '请确认' }).getByRole('button', { name: '释放' }).click()
  await expect(reservation).toHaveCount(0)
  await choose(page, '状态')
  await page.getByRole('option', { name: '全部' }).click()
  await expect(reservation).toContainText('已释放')
  await page.getByRole('tab', { name: '库存' }).click()
  await stockRow.getByRole('button', { name: '流水' }).click()
  await expect(history).toContainText('预留 0')
})
