// The administration's notification screens, driven as an administrator does against the real
// platform: the message rules read in words (the bureau's first ones among them), one rule's
// wording and channels edited and the rule turned off; then the message log, where the admin
// finds who was told of a new request, by which channel, and that it went out.
import {
  ADMIN_PASSWORD,
  apiAs,
  eventually,
  expect,
  expectAccessible,
  fileByApi,
  mainMenu,
  newDesk,
  photograph,
  ruleForNewRequests,
  signIn,
  test,
} from './support'

interface Rule {
  enabled: boolean
  text: string
  channels: string[]
  version: number
}

test('the admin reads and edits the message rules, and finds in the log who was told', async ({ page }) => {
  const desk = await newDesk()
  const rule = await ruleForNewRequests(desk.department)
  const title = '二楼会议室投影仪无信号'
  await fileByApi(desk, title)
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    // The rule tells the department's agent: the message is there before the screens are opened.
    await eventually(async () => {
      const answer = await admin.get(`/api/v1/notify/messages?recipient_id=${desk.agent.id}`)
      const { items } = (await answer.json()) as { items: { subject: string }[] }
      expect(items.map((item) => item.subject)).toContain(`新的服务申请：${title}`)
    }, 20_000)

    await signIn(page, 'admin', ADMIN_PASSWORD)
    await mainMenu(page).getByRole('link', { name: '通知规则' }).click()
    await expect(page.getByRole('heading', { name: '通知规则', level: 1 })).toBeVisible()
    const renovations = page.getByRole('row', { name: /修缮申请超出标准：告知局领导/ })
    await expect(renovations).toContainText('修缮申请')
    await expect(renovations).toContainText('rules_needing_a_leader 不为空')
    await expect(renovations).toContainText('全体局领导')
    await expect(renovations).toContainText('企业微信 → 电子邮箱')
    const tasks = page.getByRole('row', { name: /应急任务指派：告知承担人/ })
    await expect(tasks).toContainText('紧急')
    await expect(tasks).toContainText('事项指明的人员（assignee）')
    await expect(tasks).toContainText('手机短信 → 语音电话 → 企业微信 → 电子邮箱')
    await expectAccessible(page)
    await photograph(page, 'admin-rules')

    const mine = page.getByRole('row', { name: new RegExp(rule.name) })
    await expect(mine).toContainText('事项所属处室的服务人员')
    await expect(mine).toContainText('仅消息中心')
    await mine.getByRole('button', { name: `编辑 ${rule.name}` }).click()
    const dialog = page.getByRole('dialog', { name: `编辑规则：${rule.name}` })
    await expect(dialog).toContainText('可用 {字段} 引用「工单受理」事项的内容')
    const text = '{department}有新的服务申请「{title}」，请在 30 分钟内受理。'
    await dialog.getByLabel('正文').fill('')
    await dialog.getByRole('button', { name: '保存' }).click()
    await expect(dialog).toContainText('请填写正文')
    await dialog.getByLabel('正文').fill(text)
    await dialog.getByText('企业微信', { exact: true }).click()
    await expect(dialog.getByRole('checkbox', { name: '企业微信' })).toBeChecked()
    await dialog.getByText('启用此规则', { exact: true }).click()
    await expect(dialog.getByRole('switch', { name: '启用此规则' })).not.toBeChecked()
    await expectAccessible(page)
    await photograph(page, 'admin-rule-edit')
    await dialog.getByRole('button', { name: '保存' }).click()
    await expect(dialog).toBeHidden()
    await expect(mine).toContainText('企业微信')
    await expect(mine.getByRole('switch')).not.toBeChecked()

    const saved = (await (await admin.get(`/api/v1/notify/rules/${rule.id}`)).json()) as Rule
    expect(saved).toMatchObject({ enabled: false, text, channels: ['wecom'], version: 2 })

    await mainMenu(page).getByRole('link', { name: '消息记录' }).click()
    await expect(page.getByRole('heading', { name: '消息记录', level: 1 })).toBeVisible()
    await page.locator('.el-select').filter({ has: page.getByRole('combobox', { name: '方式' }) }).click()
    await page.getByRole('option', { name: '消息中心' }).click()
    const rows = page.getByTestId('messages-table').locator('tbody tr')
    await expect(rows.filter({ hasNotText: '消息中心' })).toHaveCount(0)
    const logged = page.getByRole('row', { name: new RegExp(title) })
    await expect(logged).toContainText(desk.agent.display_name)
    await expect(logged).toContainText('消息中心')
    await expect(logged).toContainText('已发出')
    await expect(logged).toContainText(`${desk.department}收到新的服务申请「${title}」，请及时受理。`)
    await expectAccessible(page)
    await photograph(page, 'admin-message-log')
  } finally {
    await admin.dispose()
  }
})
