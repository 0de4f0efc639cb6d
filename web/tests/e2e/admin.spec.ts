// The administration screens: users, API clients, commitments and calendars, driven as an
// administrator does, against the real platform.
import type { Page } from '@playwright/test'
import {
  ADMIN_PASSWORD,
  apiAs,
  expect,
  expectAccessible,
  mainMenu,
  photograph,
  signIn,
  signOut,
  test,
} from './support'

const stamp = () => Date.now().toString(36)

/** A unit in asset-svc, made by the admin through the API. */
async function newUnit(): Promise<{ id: string; name: string }> {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const code = `E2E-${stamp()}`
    const answer = await admin.post('/api/v1/asset/units', {
      data: { code, name: `测试单位${code}`, level: 'municipal' },
    })
    expect(answer.status(), await answer.text()).toBe(201)
    return (await answer.json()) as { id: string; name: string }
  } finally {
    await admin.dispose()
  }
}

async function openScreen(page: Page, link: string) {
  await mainMenu(page).getByRole('link', { name: link }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(link === '用户' ? '用户管理' : link)
}

/** Answers the confirmation box with its button named `button`. */
async function confirmWith(page: Page, button: string) {
  const box = page.getByRole('dialog', { name: '请确认' })
  await expect(box).toBeVisible()
  await box.getByRole('button', { name: button, exact: true }).click()
  await expect(box).toBeHidden()
}

test('the admin makes a unit staff member in the screen, who then signs in to their own menu', async ({ page }) => {
  const unit = await newUnit()
  const username = `zhang-${stamp()}`
  await signIn(page, 'admin', ADMIN_PASSWORD)
  await expect(page).toHaveURL(/\/admin\/users$/)
  await expect(page.getByRole('row', { name: /admin/ }).first()).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'admin-users')

  await page.getByRole('button', { name: '新增用户' }).click()
  const dialog = page.getByRole('dialog', { name: '新增用户' })
  await dialog.getByLabel('用户名').fill(username)
  await dialog.getByLabel('姓名').fill('张三')
  await dialog.getByLabel('初始密码').fill('short')
  await dialog.getByText('单位工作人员', { exact: true }).click()
  await dialog.getByRole('button', { name: '创建' }).click()
  // Refused before sending: the password's rule and the unit the role needs, at their fields.
  await expect(dialog.getByText('密码至少需要 8 个字符')).toBeVisible()
  await expect(dialog.getByText('单位工作人员必须选择所属单位')).toBeVisible()

  await dialog.getByLabel('初始密码').fill('zhang-password-1')
  await dialog.getByLabel('所属单位').click()
  await dialog.getByLabel('所属单位').fill(unit.name)
  // Chosen once the list is the search's answer: an option clicked while an earlier
  // answer replaces the list is not chosen (seen once on a loaded machine).
  await expect(page.getByRole('option')).toHaveText([new RegExp(`^${unit.name}`)])
  await page.getByRole('option', { name: unit.name }).click()
  await expect(page.getByRole('listbox')).toBeHidden()
  // Corrected fields no longer show what was wrong with them.
  await expect(dialog.getByText('密码至少需要 8 个字符')).toBeHidden()
  await expect(dialog.getByText('单位工作人员必须选择所属单位')).toBeHidden()
  await expectAccessible(page)
  await photograph(page, 'admin-user-form')
  await dialog.getByRole('button', { name: '创建' }).click()
  await expect(dialog).toBeHidden()

  // Found by part of the username, whatever page the list would put it on.
  await page.getByRole('textbox', { name: '查找用户' }).fill(username.slice(0, 12))
  await page.getByRole('textbox', { name: '查找用户' }).press('Enter')
  const row = page.getByRole('row', { name: new RegExp(username) })
  await expect(row).toContainText('张三')
  await expect(row).toContainText('单位工作人员')
  await expect(row).toContainText(unit.name)

  await signOut(page)
  await signIn(page, username, 'zhang-password-1')
  await expect(page).toHaveURL(/\/requests$/)
  await expect(mainMenu(page).getByRole('link')).toHaveText(['提交申请', '我的申请', '单位与用房', '楼宇', '房屋修缮', '职工住房', '清查盘点', '制度与流程', '突发事件', '应急预案', '消息中心', '联系方式与通知', '服务承诺公示', '满意度评价结果'])
})

test('a username already taken is told next to the field, in the API’s words', async ({ page }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD)
  await page.getByRole('button', { name: '新增用户' }).click()
  const dialog = page.getByRole('dialog', { name: '新增用户' })
  await dialog.getByLabel('用户名').fill('Admin')
  await dialog.getByLabel('姓名').fill('另一个管理员')
  await dialog.getByLabel('初始密码').fill('another-password-1')
  await dialog.getByText('审计（只读）', { exact: true }).click()
  await dialog.getByRole('button', { name: '创建' }).click()

  const field = dialog.locator('.el-form-item', { has: page.getByLabel('用户名') })
  await expect(field).toContainText('用户名已被使用')
  await expect(field).toContainText('username admin is taken')
  await expect(dialog).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'admin-user-taken')
})

test('the admin edits a user’s roles, resets their password, deactivates them after confirming and brings them back', async ({
  page,
  request,
}) => {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  const username = `li-${stamp()}`
  const made = await admin.post('/api/v1/auth/users', {
    data: { username, password: 'li-password-123', display_name: '李四', roles: ['leader'] },
  })
  expect(made.status(), await made.text()).toBe(201)
  await admin.dispose()

  await signIn(page, 'admin', ADMIN_PASSWORD)
  await page.getByRole('textbox', { name: '查找用户' }).fill(username)
  await page.getByRole('textbox', { name: '查找用户' }).press('Enter')
  const row = page.getByRole('row', { name: new RegExp(username) })

  await page.getByRole('button', { name: `编辑 ${username}` }).click()
  const edit = page.getByRole('dialog', { name: '编辑用户：李四' })
  await expect(edit.getByLabel('用户名')).toBeDisabled()
  await edit.getByText('服务人员', { exact: true }).click()
  await edit.getByRole('button', { name: '保存' }).click()
  await expect(edit.getByText('处室负责人和服务人员必须填写所属处室')).toBeVisible()
  await edit.getByLabel('所属处室').fill('物业管理处')
  await edit.getByRole('button', { name: '保存' }).click()
  await expect(edit).toBeHidden()
  await expect(row).toContainText('服务人员')
  await expect(row).toContainText('物业管理处')

  await page.getByRole('button', { name: `重置密码 ${username}` }).click()
  const reset = page.getByRole('dialog', { name: '重置密码：李四' })
  await reset.getByLabel('新密码').fill('li-new-password-9')
  await reset.getByRole('button', { name: '重置密码' }).click()
  await expect(reset).toBeHidden()
  const signedIn = await request.post('/api/v1/auth/token', {
    form: { grant_type: 'password', username, password: 'li-new-password-9' },
  })
  expect(signedIn.status()).toBe(200)

  await page.getByRole('button', { name: `停用 ${username}` }).click()
  await expect(page.getByRole('dialog', { name: '请确认' })).toContainText('将立即无法登录')
  await confirmWith(page, '停用')
  await expect(row).toContainText('已停用')

  await page.getByRole('button', { name: `恢复 ${username}` }).click()
  await confirmWith(page, '恢复')
  await expect(row).toContainText('在用')
})

test('a commitment is made, edited into a new version and published to the public list', async ({ page, request }) => {
  const code = `E2E-${stamp()}`
  await signIn(page, 'admin', ADMIN_PASSWORD)
  await openScreen(page, '承诺服务')

  await page.getByRole('button', { name: '新增承诺' }).click()
  const dialog = page.getByRole('dialog', { name: '新增承诺服务' })
  await dialog.getByLabel('编码').fill(code)
  await dialog.getByLabel('名称').fill('办公室水电维修')
  await dialog.getByLabel('类别').fill('维修')
  await dialog.getByLabel('负责处室').fill('物业管理处')
  await dialog.getByRole('spinbutton', { name: '响应时限' }).fill('2')
  await dialog.locator('.el-select').filter({ has: page.getByRole('combobox', { name: '响应时限的单位' }) }).click()
  await page.getByRole('option', { name: '小时' }).click()
  await dialog.getByLabel('办结时限').fill('16')
  await expectAccessible(page)
  await photograph(page, 'admin-commitment-form')
  await dialog.getByRole('button', { name: '创建' }).click()
  await expect(dialog).toBeHidden()

  const row = page.getByRole('row', { name: new RegExp(code) })
  await expect(row).toContainText('2 小时')
  await expect(row).toContainText('16 工作小时')
  await expect(row).toContainText('第 1 版')
  await expect(row).toContainText('未公示')

  await page.getByRole('button', { name: `编辑 ${code}` }).click()
  const edit = page.getByRole('dialog', { name: /修改承诺服务/ })
  await expect(edit).toContainText('保存后将生成第 2 版')
  await edit.getByLabel('办结时限').fill('24')
  // The procedure it carries out: a stray character is refused next to the field.
  await edit.getByLabel('执行的制度流程').fill('GJ-WX-001!')
  await edit.getByRole('button', { name: '保存' }).click()
  await expect(edit.locator('.el-form-item').filter({ hasText: '执行的制度流程' }).locator('.el-form-item__error')).toBeVisible()
  await edit.getByLabel('执行的制度流程').fill('GJ-WX-001')
  await photograph(page, 'admin-commitment-edit')
  await edit.getByRole('button', { name: '保存' }).click()
  await expect(edit).toBeHidden()
  await expect(row).toContainText('第 2 版')
  await expect(row).toContainText('24 工作小时')
  await expect(row).toContainText('GJ-WX-001')

  await page.getByRole('button', { name: `公示 ${code}` }).click()
  await confirmWith(page, '公示')
  await expect(row).toContainText('已公示')
  await expectAccessible(page)
  await photograph(page, 'admin-commitments')

  const published = await request.get('/public/v1/commitments', { params: { limit: 500 } })
  expect(published.status()).toBe(200)
  const items = ((await published.json()) as { items: { code: string; resolve_hours: number; response_minutes: number }[] })
    .items
  expect(items.find((item) => item.code === code)).toMatchObject({ response_minutes: 120, resolve_hours: 24 })
})

test('an API client is made and its secret is shown once', async ({ page, request }) => {
  const name = `市政务服务中心-${stamp()}`
  await signIn(page, 'admin', ADMIN_PASSWORD)
  await openScreen(page, 'API 客户端')
  await expectAccessible(page)

  await page.getByRole('button', { name: '新增客户端' }).click()
  const dialog = page.getByRole('dialog', { name: '新增 API 客户端' })
  await dialog.getByLabel('名称').fill(name)
  await expect(dialog.getByRole('checkbox', { name: /系统对接/ })).toBeChecked()
  await expect(dialog.getByRole('checkbox', { name: /系统管理员/ })).toHaveCount(0)
  await dialog.getByRole('button', { name: '创建' }).click()

  const secretBox = page.getByRole('dialog', { name: '请立即保存客户端密钥' })
  await expect(secretBox).toContainText('密钥只显示这一次')
  const clientId = await secretBox.getByRole('textbox', { name: '客户端编号' }).inputValue()
  const secret = await secretBox.getByRole('textbox', { name: '客户端密钥' }).inputValue()
  expect(secret.length).toBeGreaterThan(20)
  await expectAccessible(page)
  await photograph(page, 'admin-client-secret')

  // The secret works: the other system gets a token with it.
  const token = await request.post('/api/v1/auth/token', {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
  })
  expect(token.status()).toBe(200)

  await secretBox.getByRole('button', { name: '我已保存密钥' }).click()
  await expect(secretBox).toBeHidden()
  const row = page.getByRole('row', { name: new RegExp(clientId) })
  await expect(row).toContainText(name)
  await expect(page.getByText(secret)).toHaveCount(0)
  await expect(page.locator(`input[value="${secret}"]`)).toHaveCount(0)
  await photograph(page, 'admin-clients')

  await page.getByRole('button', { name: `删除 ${name}` }).click()
  await confirmWith(page, '删除')
  await expect(row).toContainText('已吊销')
})

test('a calendar gets its weekly hours checked, a holiday and a made-working Saturday', async ({ page }) => {
  const code = `cal-${stamp()}`
  await signIn(page, 'admin', ADMIN_PASSWORD)
  await openScreen(page, '工作日历')

  await page.getByRole('button', { name: '新增日历' }).click()
  const create = page.getByRole('dialog', { name: '新增工作日历' })
  await create.getByLabel('编码').fill(code)
  await create.getByLabel('名称').fill(`机关工作日历 ${code}`)
  await create.getByRole('button', { name: '创建' }).click()
  await expect(create).toBeHidden()
  await expect(page.locator('.calendar__choice')).toContainText(code)

  // An afternoon that ends before it starts is refused at its place.
  const friday = page.getByTestId('weekday-fri')
  await friday.getByRole('combobox', { name: '星期五 第 2 个时段结束时间' }).click()
  await page.getByRole('option', { name: '14:00', exact: true }).click()
  await page.getByRole('button', { name: '保存每周上班时间' }).click()
  await expect(friday.getByRole('alert')).toHaveText('开始时间必须早于结束时间')
  await friday.getByRole('button', { name: '删除 星期五 第 2 个时段' }).click()
  await page.getByRole('button', { name: '保存每周上班时间' }).click()
  await expect(page.getByText('已保存每周上班时间')).toBeVisible()
  await expect(friday).toContainText('每天 3.5 小时')

  for (const [date, kind, note] of [
    ['2026-10-01', '放假（当天不上班）', '国庆节'],
    ['2026-10-10', '上班（如周末调休上班）', '国庆调休'],
  ] as const) {
    await page.getByRole('button', { name: '添加特殊日期' }).click()
    const dialog = page.getByRole('dialog', { name: '添加特殊日期' })
    await dialog.getByLabel('日期').fill(date)
    await dialog.getByLabel('日期').press('Enter')
    await dialog.getByText(kind, { exact: true }).click()
    await dialog.getByLabel('说明').fill(note)
    if (note === '国庆调休') await photograph(page, 'admin-calendar-exception')
    await dialog.getByRole('button', { name: '保存' }).click()
    await expect(dialog).toBeHidden()
  }
  await expect(page.getByRole('row', { name: /2026-10-01/ })).toContainText('放假')
  await expect(page.getByRole('row', { name: /2026-10-10/ })).toContainText('调休上班')
  await expect(page.getByRole('row', { name: /2026-10-10/ })).toContainText('08:30–12:00，14:30–17:30')
  await expectAccessible(page)
  await photograph(page, 'admin-calendars')

  await page.getByRole('button', { name: '恢复常规 2026-10-01' }).click()
  await confirmWith(page, '恢复常规')
  await expect(page.getByRole('row', { name: /2026-10-01/ })).toContainText('已恢复常规')
})
