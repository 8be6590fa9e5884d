// Texts of the access modes (issue 11), spread into en and zh-CN.
export const accessEn = {
  'access.waiting.title': 'Waiting for the host',
  'access.waiting.body':
    'The meeting "{room}" has not started yet. You will join as soon as the host starts it; keep this page open.',
  'access.login.title': 'Are you the host? Log in to start the meeting',
  'access.login.user': 'User name',
  'access.login.password': 'Password',
  'access.login.button': 'Log in and start',
  'access.login.bad': 'Wrong user name or password.',
  'access.login.failed': 'Could not log in. Try again, or ask your administrator.',
  'error.access-denied.title': 'This invitation does not let you in',
  'access.refused.token-missing': 'This meeting is by invitation only, and this link has no invitation in it.',
  'access.refused.token-invalid':
    'This invitation is not valid for this server (it may have been changed or copied wrong).',
  'access.refused.token-expired': 'This invitation has expired.',
  'access.refused.token-not-yet-valid': 'This invitation is not valid yet. Try again at the time of the meeting.',
  'access.refused.token-wrong-room': 'This invitation is for another meeting.',
  'access.refused.other': 'The meeting server refused this invitation.',
  'access.refused.ask': 'Ask the person who invited you for a new link.',
} as const;

export const accessZhCN: Record<keyof typeof accessEn, string> = {
  'access.waiting.title': '正在等待主持人',
  'access.waiting.body': '会议“{room}”还没有开始。主持人开始会议后您会自动加入，请不要关闭此页面。',
  'access.login.title': '您是主持人吗？登录以开始会议',
  'access.login.user': '用户名',
  'access.login.password': '密码',
  'access.login.button': '登录并开始',
  'access.login.bad': '用户名或密码错误。',
  'access.login.failed': '无法登录。请重试，或联系管理员。',
  'error.access-denied.title': '此邀请无法让您加入',
  'access.refused.token-missing': '此会议仅限受邀者参加，而此链接中没有邀请。',
  'access.refused.token-invalid': '此邀请对本服务器无效（可能被修改或复制不完整）。',
  'access.refused.token-expired': '此邀请已过期。',
  'access.refused.token-not-yet-valid': '此邀请尚未生效。请在会议时间再试。',
  'access.refused.token-wrong-room': '此邀请属于另一个会议。',
  'access.refused.other': '会议服务器拒绝了此邀请。',
  'access.refused.ask': '请向邀请您的人索取新的链接。',
};
