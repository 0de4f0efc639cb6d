// The service desk in a browser against the real platform: a unit's staff file a request,
// an agent of the department takes, starts and resolves it, the staff confirm it and are
// given the rating code; a stale page's action shows the API's own words.
import type { APIRequestContext, Page } from '@playwright/test'
import {
  apiAs,
  expect,
  expectAccessible,
  fileByApi,
  mainMenu,
  newDesk,
  photograph,
  signIn,
  signOut,
  test,
  type NewUser,
} from './support'

async function asUser<T>(user: NewUser, work: (client: APIRequestContext) => Promise<T>): Promise<T> {
  const client = await apiAs(user.username, user.password)
  try {
    return await work(client)
  } finally {
    await client.dispose()
  }
}

function actions(page: Page) {
  return page.getByTestId('ticket-actions')
}

/** Clicks an action of the ticket page and agrees in the question that follows. */
async function actAndAgree(page: Page, action: string): Promise<void> {
  await actions(page).getByRole('button', { name: action }).click()
  const question = page.getByRole('dialog')
  await question.getByRole('button', { name: action }).click()
  // Gone before the page is judged: a dialog fading out has faint words.
  await expect(question).toBeHidden()
}

/** Waits until the page is still: its passing messages gone (one left under a dialog's
 *  shade has faint words) and every transition run (a dialog fading in is faint too). */
async function settle(page: Page): Promise<void> {
  await expect(page.locator('.el-message')).toHaveCount(0)
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getTiming().iterations !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  )
}

/** The page as it settles: accessible (axe), and photographed at both sizes. */
async function judge(page: Page, name: string): Promise<void> {
  await settle(page)
  await expectAccessible(page)
  await photograph(page, name)
}

/** Sends the open action form and waits until it has gone. */
async function submitDialog(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog')
  await dialog.getByRole('button', { name: '提交' }).click()
  await expect(dialog).toBeHidden()
}

function status(page: Page) {
  return page.getByTestId('ticket-status-text')
}

test('a request filed by a unit is taken, resolved and confirmed, and its rating code given', async ({ page }) => {
  const desk = await newDesk()

  // The unit's staff file the request from the published commitments.
  await signIn(page, desk.staff.username, desk.staff.password)
  await mainMenu(page).getByRole('link', { name: '提交申请' }).click()
  await expect(page.getByRole('heading', { name: '提交服务申请' })).toBeVisible()
  await page.getByTestId('commitment-select').click()
  await page.getByRole('option', { name: `${desk.commitment.name}（${desk.department}）` }).click()
  const promise = page.getByTestId('commitment-promise')
  await expect(promise).toContainText(desk.department)
  await expect(promise).toContainText('30 个工作分钟')
  await expect(promise).toContainText('16 个工作小时')
  await page.getByLabel('标题').fill('三楼会议室空调不制冷')
  await page.getByLabel('详细说明').fill('今天上午起三楼东侧会议室空调只吹风不制冷，下午有会议。')
  await page.getByLabel('联系电话').fill('13800000000')
  await judge(page, 'tickets-new-request')
  await page.getByRole('button', { name: '提交申请' }).click()

  await expect(page.getByRole('heading', { name: '三楼会议室空调不制冷' })).toBeVisible()
  await expect(status(page)).toHaveText('待受理')
  await expect(page.getByTestId('ticket-first-receiver')).toHaveText('尚未受理')
  await expect(page.getByTestId('ticket-timeline')).toContainText('提交申请')
  await judge(page, 'tickets-ticket-filed')

  await mainMenu(page).getByRole('link', { name: '我的申请' }).click()
  await expect(page.getByRole('link', { name: '三楼会议室空调不制冷' })).toBeVisible()
  await judge(page, 'tickets-my-requests')
  await signOut(page)

  // An agent of the department takes it from the desk, starts and resolves it.
  await signIn(page, desk.agent.username, desk.agent.password)
  await expect(page.getByRole('heading', { name: '工单处理' })).toBeVisible()
  await page.getByRole('tab', { name: /待受理的申请（1）/ }).click()
  await expect(page.getByRole('link', { name: '三楼会议室空调不制冷' })).toBeVisible()
  await judge(page, 'tickets-desk-unassigned')
  await page.getByRole('button', { name: '受理' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '受理' }).click()
  await expect(page.getByRole('dialog')).toBeHidden()
  await expect(page.getByTestId('ticket-first-receiver')).toHaveText('我')
  await actAndAgree(page, '开始办理')
  await expect(status(page)).toHaveText('办理中')
  await judge(page, 'tickets-ticket-in-progress')
  await actions(page).getByRole('button', { name: '办结' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('办理结果').fill('已清洗滤网并补充冷媒，空调恢复制冷。')
  await settle(page)
  await expectAccessible(page)
  await submitDialog(page)
  await expect(status(page)).toHaveText('已办结，待确认')
  await expect(page.getByTestId('ticket-resolution')).toHaveText('已清洗滤网并补充冷媒，空调恢复制冷。')

  await mainMenu(page).getByRole('link', { name: '工单处理' }).click()
  await expect(page.getByRole('tab', { name: /我负责的工单（1）/ })).toBeVisible()
  await expect(page.getByRole('link', { name: '三楼会议室空调不制冷' })).toBeVisible()
  await judge(page, 'tickets-desk-mine')
  await signOut(page)

  // The unit's staff confirm they are satisfied: the ticket closes, the rating code shows.
  await signIn(page, desk.staff.username, desk.staff.password)
  await page.getByRole('link', { name: '三楼会议室空调不制冷' }).click()
  await expect(page.getByText('工单已办结，请确认办理结果是否满意。')).toBeVisible()
  await actions(page).getByRole('button', { name: '确认办理结果' }).click()
  const confirm = page.getByRole('dialog')
  await confirm.getByText('非常满意').click()
  await confirm.getByLabel('意见或建议（选填）').fill('处理很及时，谢谢。')
  await judge(page, 'tickets-confirm-dialog')
  await submitDialog(page)
  await expect(status(page)).toHaveText('已关闭')
  const code = page.getByTestId('rating-code')
  await expect(code).toBeVisible()
  const link = code.getByRole('link', { name: '满意度评价页面' })
  await expect(link).toHaveAttribute('href', /^\/rate\/[A-Za-z0-9_-]{16,}$/)
  await expect(page.getByTestId('ticket-timeline')).toContainText('满意，非常满意：处理很及时，谢谢。')
  await judge(page, 'tickets-ticket-closed')
})

test('an action the ticket has moved past shows the API’s words, and the page catches up', async ({ page }) => {
  const desk = await newDesk()
  const ticketId = await fileByApi(desk, '二楼走廊灯不亮')
  await asUser(desk.agent, async (agent) => {
    const taken = await agent.post(`/api/v1/ticket/tickets/${ticketId}/take`)
    expect(taken.status(), await taken.text()).toBe(200)
  })

  await signIn(page, desk.agent.username, desk.agent.password, `/tickets/${ticketId}`)
  await expect(status(page)).toHaveText('待受理')
  await expect(actions(page).getByRole('button', { name: '开始办理' })).toBeVisible()
  // Meanwhile the same agent starts it elsewhere (another tab, the phone).
  await asUser(desk.agent, async (agent) => {
    const started = await agent.post(`/api/v1/ticket/tickets/${ticketId}/start`)
    expect(started.status(), await started.text()).toBe(200)
  })
  await actAndAgree(page, '开始办理')
  await expect(page.getByText('操作与当前状态冲突：cannot start a ticket that is in_progress')).toBeVisible()
  await expect(status(page)).toHaveText('办理中')
  await expect(actions(page).getByRole('button', { name: '开始办理' })).toHaveCount(0)
  await photograph(page, 'tickets-wrong-state')

  // Waiting on the requester: the unit's staff answer and the clock runs again.
  await actions(page).getByRole('button', { name: '等待申请人补充' }).click()
  await page.getByRole('dialog').getByLabel('需要申请人补充的内容').fill('请告知具体是哪一段走廊。')
  await submitDialog(page)
  await expect(status(page)).toHaveText('等待申请人补充')
  await signOut(page)

  await signIn(page, desk.staff.username, desk.staff.password)
  await page.getByRole('link', { name: '二楼走廊灯不亮' }).click()
  await expect(page.getByText('工作人员正在等待您补充信息：请告知具体是哪一段走廊。')).toBeVisible()
  await actions(page).getByRole('button', { name: '留言' }).click()
  await page.getByRole('dialog').getByLabel('留言内容').fill('二楼西侧电梯口到 205 室一段。')
  await submitDialog(page)
  await expect(page.getByTestId('ticket-timeline')).toContainText('二楼西侧电梯口到 205 室一段。')
  await judge(page, 'tickets-waiting-on-requester')
  await actAndAgree(page, '已补充，继续办理')
  await expect(status(page)).toHaveText('办理中')
})

test('the head of the department: the desk, a transfer, the escalations and the report', async ({ page }) => {
  const desk = await newDesk()
  const ticketId = await fileByApi(desk, '档案室除湿机漏水')
  await asUser(desk.agent, async (agent) => {
    expect((await agent.post(`/api/v1/ticket/tickets/${ticketId}/take`)).status()).toBe(200)
  })

  await signIn(page, desk.head.username, desk.head.password)
  await page.getByRole('tab', { name: /本部门工单（1）/ }).click()
  await expect(page.getByText(desk.agent.display_name, { exact: true }).first()).toBeVisible()
  await judge(page, 'tickets-desk-department')
  await page.getByRole('link', { name: '档案室除湿机漏水' }).click()
  await actions(page).getByRole('button', { name: '转交' }).click()
  const dialog = page.getByRole('dialog')
  // The head finds the new owner by name among the department's colleagues (not its owner).
  const option = (name: string) => page.getByRole('option', { name: new RegExp(`^${name}(?!\\d)`) })
  await dialog.getByLabel('新负责人').click()
  await expect(option(desk.head.display_name)).toBeVisible()
  await expect(option(desk.agent.display_name)).toHaveCount(0)
  await page.keyboard.type(desk.head.display_name)
  await option(desk.head.display_name).click()
  await dialog.getByLabel('转交原因').fill('承办人休假，由我接手。')
  await judge(page, 'tickets-transfer-dialog')
  await submitDialog(page)
  await expect(page.getByText('已转交')).toBeVisible()
  await expect(page.getByTestId('ticket-timeline')).toContainText('承办人休假，由我接手。')
  await expect(actions(page).getByRole('button', { name: '开始办理' })).toBeVisible()
  await judge(page, 'tickets-ticket-head')

  await mainMenu(page).getByRole('link', { name: '催办与升级' }).click()
  await expect(page.getByRole('heading', { name: '催办与升级' })).toBeVisible()
  await expect(page.getByText('没有需要关注的时限提醒。')).toBeVisible()
  await judge(page, 'tickets-escalations')

  await mainMenu(page).getByRole('link', { name: '部门报表' }).click()
  const table = page.getByTestId('report-table')
  await expect(table.getByRole('row', { name: new RegExp(desk.department) })).toBeVisible()
  await judge(page, 'tickets-report')
  const downloading = page.waitForEvent('download')
  await page.getByTestId('report-download').click()
  const download = await downloading
  expect(download.suggestedFilename()).toMatch(/^ticket-departments-.*\.xlsx$/)
  expect(download.url()).not.toContain('token')
})
