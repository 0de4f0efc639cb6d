// The work ledger (大项工作台账) in a browser against the real platform: a plan's items as a
// tree whose parent rolls up its sub-items' progress; the owner reports on their own item
// (nobody else is offered to); a leader moves a deadline with a reason and intervenes, the
// owner acknowledges and answers, the leader closes it; the ledger as a spreadsheet.
import type { APIRequestContext, Page } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import ExcelJS from 'exceljs'
import { ADMIN_PASSWORD, apiAs, eventually, expect, expectAccessible, mainMenu, newUser, photograph, signIn, signOut, test, type NewUser } from './support'

async function created<T>(answer: Awaited<ReturnType<APIRequestContext['post']>>): Promise<T> {
  expect(answer.status(), await answer.text()).toBe(201)
  return (await answer.json()) as T
}

function bureauToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
}

interface Ledger {
  department: string
  plan: { id: string; title: string }
  parent: { id: string; title: string }
  mine: { id: string; title: string }
  theirs: { id: string; title: string }
  owner: NewUser
  leader: NewUser
}

/** A plan of this year, made by the admin, with a colleague's item broken down into two of
 *  equal weight: one the owner's, one the colleague's. Deadlines at the year's end keep them
 *  off the overdue list. */
async function ledgerOfItsOwn(): Promise<Ledger> {
  const suffix = randomUUID().slice(0, 8)
  const department = `综合处${suffix}`
  const [owner, colleague, leader] = await Promise.all([
    newUser(['agent'], { department, display_name: `责任人${suffix}` }),
    newUser(['agent'], { department, display_name: `同事${suffix}` }),
    newUser(['leader']),
  ])
  const year = Number(bureauToday().slice(0, 4))
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const plan = await created<{ id: string; title: string }>(
      await admin.post('/api/v1/ledger/plans', { data: { year, title: `${year} 年度工作要点${suffix}` } }),
    )
    const item = async (title: string, owner_id: string, parent_id?: string) =>
      created<{ id: string; title: string }>(
        await admin.post(`/api/v1/ledger/plans/${plan.id}/items`, {
          data: {
            title,
            owner_id,
            department,
            deadline: `${year}-12-31`,
            target: `${title}的目标`,
            quality_requirement: '按期保质完成',
            ...(parent_id ? { parent_id } : {}),
          },
        }),
      )
    const parent = await item(`机关大院节能改造${suffix}`, colleague.id)
    const mine = await item(`照明系统更换${suffix}`, owner.id, parent.id)
    const theirs = await item(`空调系统改造${suffix}`, colleague.id, parent.id)
    return { department, plan, parent, mine, theirs, owner, leader }
  } finally {
    await admin.dispose()
  }
}

/** Opens the ledger from the menu on `plan`. */
async function openPlan(page: Page, plan: { title: string }): Promise<void> {
  await mainMenu(page).getByRole('link', { name: '工作台账' }).click()
  await expect(page.getByRole('heading', { name: '工作台账', level: 1 })).toBeVisible()
  await page.locator('.el-select').filter({ has: page.getByRole('combobox', { name: '工作计划' }) }).click()
  await page.getByRole('option', { name: plan.title }).click()
  await expect(page.getByRole('option', { name: plan.title })).toBeHidden()
  await expect(page.getByRole('tree', { name: plan.title })).toBeVisible()
}

function bar(page: Page, title: string) {
  return page.getByRole('progressbar', { name: new RegExp(`^${title}：`) })
}

/** The dialog titled `title` (a date picker's calendar is a dialog too, untitled). */
function dialogOf(page: Page, title: string) {
  return page.getByRole('dialog', { name: title })
}

/** Sends the form of the dialog titled `title` with `button` and waits until it has gone. */
async function submitDialog(page: Page, title: string, button = '提交'): Promise<void> {
  const dialog = dialogOf(page, title)
  await dialog.getByRole('button', { name: button }).click()
  await expect(dialog).toBeHidden()
}

test('the owner reports, the parent rolls up, a leader moves the deadline and intervenes until it is closed', async ({ page }) => {
  const ledger = await ledgerOfItsOwn()
  const { owner, leader, mine, parent, theirs } = ledger

  // The owner: the tree, their own item's report, the parent's bar rolled up from it.
  await signIn(page, owner.username, owner.password)
  await openPlan(page, ledger.plan)
  const tree = page.getByRole('tree', { name: ledger.plan.title })
  await expect(tree.getByRole('link', { name: mine.title })).toBeVisible()
  await expect(bar(page, parent.title)).toHaveAttribute('aria-valuenow', '0')
  await tree.getByRole('link', { name: theirs.title }).click()
  await expect(page.getByRole('heading', { name: theirs.title, level: 1 })).toBeVisible()
  // A colleague's item: nothing to report on for this owner, nor to shape.
  await expect(page.getByRole('button', { name: '汇报进展' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: '修改事项' })).toHaveCount(0)
  await page.getByRole('navigation', { name: '所在位置' }).getByRole('link', { name: '上级事项' }).click()
  await expect(page.getByRole('heading', { name: parent.title, level: 1 })).toBeVisible()
  await expect(page.getByText('由下级事项按权重汇总')).toBeVisible()
  await expect(page.getByRole('button', { name: '汇报进展' })).toHaveCount(0)
  await page.getByRole('link', { name: mine.title }).click()
  await expect(page.getByRole('heading', { name: mine.title, level: 1 })).toBeVisible()
  await page.getByRole('button', { name: '汇报进展' }).click()
  await page.getByLabel('完成进度（%）').fill('60')
  await page.getByLabel('进展情况').fill('已完成一至三号楼的灯具更换')
  await submitDialog(page, '汇报进展')
  await expect(bar(page, mine.title)).toHaveAttribute('aria-valuenow', '60')
  await expect(page.getByTestId('item-reports')).toContainText('已完成一至三号楼的灯具更换')
  await page.getByRole('navigation', { name: '所在位置' }).getByRole('link', { name: ledger.plan.title }).click()
  await expect(bar(page, parent.title)).toHaveAttribute('aria-valuenow', '30')
  await expect(page.getByTestId('ledger-summary')).toContainText('共 3 项，已完成 0 项，逾期 0 项')
  await expectAccessible(page)
  await photograph(page, 'ledger-plan')
  // The owner narrows the plan to their own items, in their place under the parent.
  await page.getByText('只看我负责的事项').click()
  await expect(page.getByRole('checkbox', { name: '只看我负责的事项' })).toBeChecked()
  await expect(tree.getByRole('link', { name: theirs.title })).toHaveCount(0)
  await expect(tree.getByRole('link', { name: mine.title })).toBeVisible()
  await expect(tree.getByRole('link', { name: parent.title })).toBeVisible()

  // The ledger as the paper ledger lays it out.
  const download = page.waitForEvent('download')
  await page.getByTestId('ledger-download').click()
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.readFile(await (await download).path())
  const cells = workbook.worksheets[0]!.getSheetValues().flat().map(String)
  expect(cells.some((cell) => cell.includes(mine.title))).toBe(true)
  await signOut(page)

  // A leader: moves the deadline with a reason and intervenes; no report offered.
  const year = bureauToday().slice(0, 4)
  await signIn(page, leader.username, leader.password)
  await openPlan(page, ledger.plan)
  await page.getByRole('tree', { name: ledger.plan.title }).getByRole('link', { name: mine.title }).click()
  await expect(page.getByRole('heading', { name: mine.title, level: 1 })).toBeVisible()
  await expect(page.getByRole('button', { name: '汇报进展' })).toHaveCount(0)
  await page.getByRole('button', { name: '调整完成时限' }).click()
  const newDeadline = dialogOf(page, '调整完成时限').getByLabel('新的完成时限')
  await newDeadline.fill(`${Number(year) + 1}-01-15`)
  await newDeadline.press('Enter')
  await page.getByLabel('调整理由').fill('供货延迟，顺延半个月')
  await submitDialog(page, '调整完成时限')
  await expect(page.getByTestId('item-deadline')).toHaveText(`${Number(year) + 1}-01-15`)
  const moves = page.getByTestId('item-deadlines')
  await expect(moves).toContainText(`${year}-12-31`)
  await expect(moves).toContainText(`由 ${year}-12-31 调整为 ${Number(year) + 1}-01-15`)
  await expect(moves).toContainText('供货延迟，顺延半个月')
  await page.getByRole('button', { name: '过问', exact: true }).click()
  await page.getByLabel('过问意见').fill('请说明剩余楼栋的安排')
  await submitDialog(page, '过问')
  const interventions = page.getByTestId('item-interventions')
  await expect(interventions.getByRole('article')).toContainText('已下达')
  await expectAccessible(page)
  await photograph(page, 'ledger-item')
  await signOut(page)

  // The owner finds it among their interventions, acknowledges and answers it.
  await signIn(page, owner.username, owner.password)
  await mainMenu(page).getByRole('link', { name: '领导过问' }).click()
  await expect(page.getByRole('heading', { name: '领导过问', level: 1 })).toBeVisible()
  const line = page.getByTestId('interventions-list').getByRole('article').filter({ hasText: '请说明剩余楼栋的安排' })
  await expect(line).toContainText(mine.title)
  await expectAccessible(page)
  await photograph(page, 'ledger-interventions')
  await line.getByRole('link', { name: mine.title }).click()
  await expect(page.getByRole('heading', { name: mine.title, level: 1 })).toBeVisible()
  await interventions.getByRole('button', { name: '知悉' }).click()
  await expect(interventions.getByRole('article')).toContainText('已知悉')
  await interventions.getByRole('button', { name: '答复' }).click()
  await page.getByLabel('答复内容').fill('剩余两栋楼下月中旬完成')
  await submitDialog(page, '答复')
  await expect(interventions.getByRole('article')).toContainText('已答复')
  await expect(interventions.getByRole('button', { name: '办结' })).toHaveCount(0)
  await signOut(page)

  // The leader reads the answer and closes it.
  await signIn(page, leader.username, leader.password)
  await mainMenu(page).getByRole('link', { name: '领导过问' }).click()
  await page.getByTestId('interventions-list').getByRole('link', { name: mine.title }).first().click()
  await expect(interventions.getByRole('article')).toContainText('剩余两栋楼下月中旬完成')
  await interventions.getByRole('button', { name: '办结' }).click()
  await page.getByLabel('办结意见（可不填）').fill('同意')
  await submitDialog(page, '办结')
  await expect(interventions.getByRole('article')).toContainText('已办结')
  await expect(interventions.getByRole('button')).toHaveCount(0)
})

test("a department's scorecard counts its completed item, and the figure opens the event and the item", async ({ page }) => {
  const ledger = await ledgerOfItsOwn()
  const { owner, leader, mine, department } = ledger
  const year = bureauToday().slice(0, 4)
  const client = await apiAs(owner.username, owner.password)
  try {
    const reported = await client.post(`/api/v1/ledger/items/${mine.id}/progress`, { data: { percent: 100, note: '全部完成' } })
    expect(reported.status(), await reported.text()).toBe(201)
  } finally {
    await client.dispose()
  }
  // ledger-svc counts the completion once its event has come back to it.
  const reader = await apiAs(leader.username, leader.password)
  try {
    await eventually(async () => {
      const card = await reader.get(`/api/v1/ledger/scorecards/${encodeURIComponent(department)}?year=${year}`)
      expect(((await card.json()) as { items_completed: number }).items_completed).toBe(1)
    })
  } finally {
    await reader.dispose()
  }

  await signIn(page, leader.username, leader.password)
  await mainMenu(page).getByRole('link', { name: '年度考核' }).click()
  await expect(page.getByRole('heading', { name: '年度考核', level: 1 })).toBeVisible()
  const row = page.getByTestId('scorecards').getByRole('row', { name: new RegExp(department) })
  await expect(row).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'ledger-scorecards')

  const download = page.waitForEvent('download')
  await page.getByTestId('scorecards-download').click()
  expect((await download).suggestedFilename()).toMatch(/\.xlsx$/)

  await row.getByRole('button', { name: `查看${department}“完成事项”的依据` }).click()
  const facts = page.getByTestId('scorecard-facts')
  await expect(facts.getByRole('listitem')).toHaveCount(1)
  await expect(dialogOf(page, `${department} · 完成事项的依据`)).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'ledger-scorecard-events')
  await facts.getByRole('link', { name: mine.title }).click()
  await expect(page.getByRole('heading', { name: mine.title, level: 1 })).toBeVisible()
  await expect(page.getByText('已完成', { exact: true })).toBeVisible()
})

test('a leader runs a campaign: an activity, the departments that took part, a result and the summary', async ({ page }) => {
  const suffix = randomUUID().slice(0, 8)
  const theme = `岗位创新促发展${suffix}`
  const [first, second] = [`物业管理处${suffix}`, `财务处${suffix}`]
  const today = bureauToday()
  const leader = await newUser(['leader'])

  await signIn(page, leader.username, leader.password)
  await mainMenu(page).getByRole('link', { name: '主题活动' }).click()
  await expect(page.getByRole('heading', { name: '主题活动', level: 1 })).toBeVisible()
  await page.getByRole('button', { name: '新建主题活动' }).click()
  let dialog = dialogOf(page, '新建主题活动')
  await dialog.getByLabel('活动主题').fill(theme)
  for (const label of ['开始日期', '结束日期']) {
    await dialog.getByLabel(label).fill(today)
    await dialog.getByLabel(label).press('Enter')
  }
  await submitDialog(page, '新建主题活动', '保存')
  await expect(page.getByRole('heading', { name: theme, level: 1 })).toBeVisible()

  await page.getByRole('button', { name: '新增活动' }).click()
  dialog = dialogOf(page, '新增活动')
  await dialog.getByLabel('活动名称').fill('空调维修技能比赛')
  await dialog.getByLabel('举办日期').fill(today)
  await dialog.getByLabel('举办日期').press('Enter')
  await submitDialog(page, '新增活动', '保存')
  const activity = page.getByTestId('campaign-activities').getByRole('article').filter({ hasText: '空调维修技能比赛' })
  await expect(activity).toContainText('业务培训')

  await activity.getByRole('button', { name: '登记参加部门' }).click()
  dialog = dialogOf(page, '登记参加部门')
  for (const department of [first, second]) {
    await dialog.getByLabel('增加参加部门').fill(department)
    await dialog.getByRole('button', { name: '加入' }).click()
  }
  await dialog.getByLabel(`${first}参加人数`).fill('12')
  await submitDialog(page, '登记参加部门', '保存')
  await expect(activity.getByRole('listitem').filter({ hasText: first })).toContainText('12 人')

  await activity.getByRole('button', { name: '登记成绩' }).click()
  dialog = dialogOf(page, '登记成绩')
  await dialog.locator('.el-select').filter({ has: page.getByRole('combobox', { name: '部门' }) }).click()
  await page.getByRole('option', { name: first }).click()
  await expect(page.getByRole('option', { name: first })).toBeHidden()
  await dialog.getByLabel('名次').fill('1')
  await dialog.getByLabel('奖项').fill('一等奖')
  await submitDialog(page, '登记成绩', '保存')
  await expect(activity.getByRole('listitem').filter({ hasText: first })).toContainText('第 1 名 · 一等奖')
  await expect(page.getByText('活动 1 项，参加部门 2 个，共 13 人次')).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'ledger-campaign')

  // A leader may sum it up before its last day; afterwards nothing under it changes.
  await page.getByRole('button', { name: '总结并结束' }).click()
  await dialogOf(page, '总结并结束').getByLabel('活动总结').fill('各部门积极参与，评出一等奖一个')
  await submitDialog(page, '总结并结束', '保存')
  await expect(page.getByTestId('campaign-summary')).toContainText('各部门积极参与')
  await expect(page.getByRole('button', { name: '新增活动' })).toHaveCount(0)
  await expect(activity.getByRole('button')).toHaveCount(0)

  await page.getByRole('navigation', { name: '所在位置' }).getByRole('link', { name: '主题活动' }).click()
  const listed = page.getByTestId('campaigns').getByRole('article').filter({ hasText: theme })
  await expect(listed).toContainText('已总结')
  await expectAccessible(page)
  await photograph(page, 'ledger-campaigns')
})

test("a leader makes the year's plan and an item, and the department's head breaks it down", async ({ page }) => {
  const suffix = randomUUID().slice(0, 8)
  const department = `后勤服务处${suffix}`
  const title = `年度工作要点${suffix}`
  const [leader, head, owner] = await Promise.all([
    newUser(['leader']),
    newUser(['dept_head'], { department, display_name: `处长${suffix}` }),
    newUser(['agent'], { department, display_name: `经办人${suffix}` }),
  ])
  const deadline = `${bureauToday().slice(0, 4)}-12-31`

  /** Chooses `person` in the owner list, which holds the department's people. */
  async function chooseOwner(person: NewUser): Promise<void> {
    const dialog = dialogOf(page, '新增事项')
    await dialog.getByRole('combobox', { name: '责任人' }).fill(person.display_name)
    await expect(page.getByRole('option')).toHaveText([new RegExp('^' + person.display_name)])
    await page.getByRole('option', { name: person.display_name }).click()
  }

  await signIn(page, leader.username, leader.password)
  await mainMenu(page).getByRole('link', { name: '工作台账' }).click()
  await page.getByRole('button', { name: '新建工作计划' }).click()
  await dialogOf(page, '新建工作计划').getByLabel('计划名称').fill(title)
  await submitDialog(page, '新建工作计划', '保存')
  await expect(page.getByText('该计划还没有事项')).toBeVisible()
  await page.getByRole('button', { name: '新增事项' }).click()
  const dialog = dialogOf(page, '新增事项')
  await dialog.getByLabel('事项名称').fill(`公务用车管理${suffix}`)
  await dialog.getByLabel('目标任务').fill('全年公务用车费用下降百分之五')
  await dialog.getByLabel('责任部门').fill(department)
  await chooseOwner(head)
  await dialog.getByLabel('完成时限').fill(deadline)
  await dialog.getByLabel('完成时限').press('Enter')
  await submitDialog(page, '新增事项', '保存')
  const tree = page.getByRole('tree', { name: title })
  await expect(tree.getByRole('link', { name: `公务用车管理${suffix}` })).toBeVisible()
  await signOut(page)

  // The head adds a sub-item of their own department (theirs, fixed) for one of its people.
  await signIn(page, head.username, head.password)
  await openPlan(page, { title })
  await expect(page.getByRole('button', { name: '新建工作计划' })).toHaveCount(0)
  await page.getByRole('button', { name: '新增事项' }).click()
  const parentSelect = dialog.locator('.el-select').filter({ has: page.getByRole('combobox', { name: '上级事项' }) })
  await parentSelect.click()
  await page.getByRole('option', { name: `1 公务用车管理${suffix}` }).click()
  await expect(page.getByRole('option', { name: `1 公务用车管理${suffix}` })).toBeHidden()
  await expect(parentSelect).toContainText(`1 公务用车管理${suffix}`)
  await expect(dialog.getByLabel('责任部门')).toHaveValue(department)
  await dialog.getByLabel('事项名称').fill(`车辆定点维修${suffix}`)
  await chooseOwner(owner)
  await dialog.getByLabel('完成时限').fill(deadline)
  await dialog.getByLabel('完成时限').press('Enter')
  await expectAccessible(page)
  await photograph(page, 'ledger-new-item')
  await submitDialog(page, '新增事项', '保存')
  const sub = tree.getByRole('treeitem').filter({ hasText: `车辆定点维修${suffix}` }).last()
  await expect(sub).toContainText(new RegExp(`^1\\.1\\s*车辆定点维修${suffix}`))
  await expect(sub).toContainText(owner.display_name)

  // The head puts a column of it right; its deadline is not theirs to change.
  await sub.getByRole('link', { name: `车辆定点维修${suffix}` }).click()
  await expect(page.getByRole('heading', { name: `车辆定点维修${suffix}`, level: 1 })).toBeVisible()
  await page.getByRole('button', { name: '修改事项' }).click()
  const editing = dialogOf(page, '修改事项')
  await expect(editing.getByLabel('事项名称')).toHaveValue(`车辆定点维修${suffix}`)
  await expect(editing.getByLabel('完成时限')).toHaveCount(0)
  await editing.getByLabel('质量要求').fill('维修单位须为政府采购定点单位')
  await submitDialog(page, '修改事项', '保存')
  await expect(page.getByTestId('item-facts')).toContainText('维修单位须为政府采购定点单位')
  await expect(page.getByRole('button', { name: '调整完成时限' })).toHaveCount(0)
})
