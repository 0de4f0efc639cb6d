// Words of the service requests and the service desk.
export default {
  newRequest: { title: '提交服务申请' },
  myRequests: { title: '我的申请' },
  ticket: { title: '工单详情' },
  desk: { title: '工单处理' },
  escalations: { title: '催办与升级' },
  departmentReport: { title: '部门报表' },
}
