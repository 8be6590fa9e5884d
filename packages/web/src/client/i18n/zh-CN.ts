// Simplified Chinese. Typed as Record<MessageKey, string>: a missing or unknown key is a compile error.
import type { MessageKey } from './en';
import { accessZhCN } from './access.js';

export const zhCN: Record<MessageKey, string> = {
  ...accessZhCN,
  'app.name': 'Parley',
  'common.guest': '访客',
  'common.you': '（我）',
  'common.home': '返回首页',
  'common.close': '关闭',
  'common.cancel': '取消',

  'home.tagline': '在您自己的网络中进行视频会议',
  'home.roomLabel': '会议名称',
  'home.roomPlaceholder': '例如 {name}',
  'home.start': '开始会议',
  'home.hint': '输入名称以加入已有会议，或开始一个新会议。把链接发给您邀请的人。',

  'prejoin.title': '准备好加入了吗？',
  'prejoin.room': '会议：{room}',
  'prejoin.nameLabel': '您的名字',
  'prejoin.namePlaceholder': '请输入您的名字',
  'prejoin.micOff': '加入时关闭麦克风',
  'prejoin.camOff': '加入时关闭摄像头',
  'prejoin.join': '加入会议',
  'prejoin.microphone': '麦克风',
  'prejoin.camera': '摄像头',
  'prejoin.cameraOff': '摄像头已关闭',
  'prejoin.noPreview': '正在打开摄像头…',
  'prejoin.micLevel': '麦克风音量',
  'prejoin.device': '设备 {n}',
  'prejoin.noDevice': '未找到设备',

  'joining.text': '正在加入会议…',
  'joining.room': '{room}',

  'left.title': '您已离开会议',
  'left.body': '感谢参加。您可以重新加入此会议，或返回首页。',
  'left.rejoin': '重新加入',

  'toolbar.muteMic': '关闭麦克风',
  'toolbar.unmuteMic': '打开麦克风',
  'toolbar.stopCamera': '关闭摄像头',
  'toolbar.startCamera': '打开摄像头',
  'toolbar.startShare': '共享屏幕',
  'toolbar.stopShare': '停止共享屏幕',
  'toolbar.openChat': '打开聊天',
  'toolbar.closeChat': '关闭聊天',
  'toolbar.openParticipants': '显示参会者',
  'toolbar.closeParticipants': '隐藏参会者',
  'toolbar.raiseHand': '举手',
  'toolbar.lowerHand': '放下手',
  'toolbar.tileView': '切换到宫格视图',
  'toolbar.stageView': '切换到演讲者视图',
  'toolbar.copyInvite': '复制邀请链接',
  'toolbar.linkCopied': '链接已复制',
  'toolbar.copyFailed': '请复制此链接：{link}',
  'toolbar.leave': '离开会议',
  'toolbar.shortcut': '{label}（{key}）',
  'toolbar.unread': '{n} 条未读消息',
  'toolbar.openSettings': '打开设置',
  'toolbar.closeSettings': '关闭设置',

  'settings.title': '设置',
  'settings.microphone': '麦克风',
  'settings.camera': '摄像头',
  'settings.speaker': '扬声器',
  'settings.speakerDefault': '系统默认',
  'settings.speakerUnsupported': '此浏览器只能使用系统默认扬声器播放声音。',

  'tile.micMuted': '麦克风已关闭',
  'tile.camMuted': '摄像头已关闭',
  'tile.handRaised': '已举手',
  'tile.screen': '屏幕',
  'tile.pin': '点击固定',
  'tile.unpin': '点击取消固定',

  'chat.title': '聊天',
  'chat.empty': '还没有消息，打个招呼吧！',
  'chat.placeholder': '输入消息',
  'chat.send': '发送',
  'chat.to': '发送给',
  'chat.everyone': '所有人',
  'chat.private': '私聊',
  'chat.privateTo': '私聊 {name}',
  'chat.privateFrom': '私聊消息',
  'chat.me': '我',

  'participants.title': '参会者（{n}）',
  'participants.moderator': '主持人',
  'participants.mute': '静音',
  'participants.remove': '移出',
  'participants.confirmTitle': '移出参会者？',
  'participants.confirmBody': '{name} 将被移出会议。',
  'participants.muteLabel': '将 {name} 静音',
  'participants.removeLabel': '将 {name} 移出会议',

  reconnecting: '连接已断开，正在重新连接…',

  'error.details': '技术细节',
  'error.retry': '重试',
  'error.doctor': '打开连接检查页面',
  'error.whatToDo': '您可以这样做',

  'error.insecure-context.title': '摄像头和麦克风需要安全页面',
  'error.insecure-context.body': '浏览器只允许以 https:// 打开的页面使用摄像头和麦克风，而本页面不是这样打开的。',
  'error.insecure-context.step1': '请改为打开安全地址：',
  'error.insecure-context.step2':
    '如果浏览器提示“连接不是私密连接”或证书不受信任，请在本设备上安装贵单位的会议证书（将其信任为证书颁发机构），然后刷新页面。',
  'error.insecure-context.ca': '下载证书',
  'error.insecure-context.step3': '仍然无法解决？连接检查页面会说明问题所在。',

  'error.no-devices.title': '未找到摄像头或麦克风',
  'error.no-devices.body': 'Parley 在此设备上找不到摄像头或麦克风。',
  'error.no-devices.step1': '请接上摄像头或耳机，然后重试。',
  'error.no-devices.step2': '也可以直接加入：您仍然可以看到、听到其他人，并且可以聊天。',
  'error.no-devices.join': '不使用摄像头和麦克风加入',

  'error.permission-denied.title': '摄像头和麦克风被阻止',
  'error.permission-denied.body': '浏览器不允许本页面使用您的摄像头和麦克风。',
  'error.permission-denied.step1': '点击地址栏左侧的锁形或设置图标。',
  'error.permission-denied.step2': '将本网站的“摄像头”和“麦克风”设为“允许”。',
  'error.permission-denied.step3': '点击“重试”。如果其他应用（另一个会议或视频通话）正在使用摄像头，请先关闭它。',

  'error.signaling-failed.title': '无法连接到会议服务器',
  'error.signaling-failed.body': 'Parley 无法连接到位于 {url} 的会议服务器。',
  'error.signaling-failed.server': '会议服务器',
  'error.signaling-failed.step1': '请检查本设备是否连接到正确的网络（或 VPN）。',
  'error.signaling-failed.step2': '请检查浏览器中的地址是否正确。',
  'error.signaling-failed.step3': '打开连接检查页面查看是哪一环节出了问题，或联系管理员。',

  'error.media-failed.title': '音视频无法连通',
  'error.media-failed.body':
    '您已连接到会议服务器，但音视频无法建立连接。您与服务器之间的网络可能阻止了会议音视频所用的 UDP 10000 端口。',
  'error.media-failed.step1': '请让网络管理员允许访问会议服务器的 UDP 10000 端口。',
  'error.media-failed.step2': '如果您在使用 VPN 或访客网络，请尝试换一个网络。',
  'error.media-failed.step3': '连接检查页面可以帮您测试这一点。',

  'error.meeting-ended.title': '会议已结束',
  'error.meeting-ended.body': '此会议已结束。您可以重新开始，或返回首页。',
  'error.meeting-ended.rejoin': '重新加入',

  'error.removed.title': '主持人已将您移出会议',
  'error.removed.body': '您已不在此会议中。如果您认为这是误操作，请先联系主持人再重新加入。',

  'doctor.title': '连接检查',
  'doctor.intro': '本页逐项检查这台设备和当前网络是否满足开会所需的条件，用时不到一分钟。',
  'doctor.status.pending': '等待中',
  'doctor.status.running': '检查中…',
  'doctor.status.ok': '正常',
  'doctor.status.fail': '有问题',
  'doctor.status.skipped': '已跳过',
  'doctor.fix': '解决方法',
  'doctor.details': '技术详情',
  'doctor.summary.running': '检查中…',
  'doctor.summary.ok': '一切正常：可以在这台设备上参加会议。',
  'doctor.summary.problem': '发现 1 个问题：请按上面的方法解决，或复制报告发给管理员。',
  'doctor.summary.problems': '发现 {n} 个问题：请按上面的方法解决，或复制报告发给管理员。',
  'doctor.copy': '复制报告',
  'doctor.copied': '报告已复制',
  'doctor.copyFailed': '此处不允许复制：请选中下面的报告并手动复制。',
  'doctor.again': '重新检查',
  'doctor.ca': '下载证书',
  'doctor.skipped.needs': '未检查：它依赖上面失败的检查（{checks}）。',

  'doctor.secure-context.title': '安全页面（HTTPS）',
  'doctor.secure-context.ok': '本页通过 https:// 打开，浏览器可以允许使用摄像头和麦克风。',
  'doctor.secure-context.fail.insecure':
    '本页没有通过 https:// 打开（{origin}）。浏览器只在安全页面上允许使用摄像头和麦克风。',
  'doctor.secure-context.fix.insecure':
    '请改为打开 {https}。如果浏览器提示连接不是私密连接，请在这台设备上把会议证书（{ca}）安装为受信任的证书颁发机构，然后重新加载页面。',

  'doctor.devices.title': '摄像头和麦克风',
  'doctor.devices.ok': '已找到并获得允许：{devices}。',
  'doctor.devices.fail.none': '这台设备上没有找到摄像头或麦克风（或者正被其他应用占用）。',
  'doctor.devices.fix.none':
    '请接上摄像头或耳机，关闭正在使用摄像头的其他应用（其他会议、视频通话），然后重新检查。没有它们也可以参加会议：能看到、听到其他人，也能聊天。',
  'doctor.devices.fail.denied': '浏览器不允许本页使用摄像头和麦克风。',
  'doctor.devices.fix.denied':
    '点击地址栏左侧的锁形或设置图标，把本网站的“摄像头”和“麦克风”设为“允许”，然后重新检查。在受管理的电脑上，可能是策略禁止了它们：请联系管理员。',
  'doctor.devices.fail.insecure': '本页不是安全（https://）页面，浏览器不向它提供摄像头和麦克风。',
  'doctor.devices.fix.insecure': '请先解决“安全页面”一项。',

  'doctor.websocket.title': '会议服务器（WebSocket）',
  'doctor.websocket.ok': '已连接 {url} 并以访客身份登录。',
  'doctor.websocket.fail.unreachable': '无法连接到会议服务器 {url}。',
  'doctor.websocket.fix.unreachable':
    '请确认这台设备连接的是正确的网络（或 VPN），并且地址无误。如果 Parley 前面有代理（nginx、Apache、负载均衡器），它必须在这个路径上转发 WebSocket 升级请求：传递 Upgrade 和 Connection 头（nginx：proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";）。管理员可以在服务器上运行 `parley doctor`。',

  'doctor.bosh.title': '会议服务器（BOSH，经 HTTP）',
  'doctor.bosh.ok': '服务器在 {url} 建立了 BOSH 会话。',
  'doctor.bosh.fail.unreachable': '{url} 没有建立 BOSH 会话。',
  'doctor.bosh.fix.unreachable':
    'Web 服务器或其前面的代理没有把 {url} 转发到 XMPP 服务器（Prosody）。管理员可以在服务器上运行 `parley doctor`。',

  'doctor.media-udp.title': '通过 UDP 传输音视频',
  'doctor.media-udp.ok': '已通过 UDP 连接到媒体服务器：{pair}。',
  'doctor.media-udp.fail.blocked': '{seconds} 秒内未能通过 UDP 与媒体服务器建立音视频连接。',
  'doctor.media-udp.fix.blocked':
    '这台设备与会议服务器之间的防火墙拦截了 UDP。请网络管理员放行到会议服务器 UDP 端口 {port}（媒体端口）的流量。在此之前，会议仍可通过 TCP 进行（下一项检查），但延迟更大。',
  'doctor.media-udp.fail.no-candidates': '媒体服务器没有提供 UDP 地址。',
  'doctor.media-udp.fix.no-candidates': '媒体桥没有监听 UDP，或没有公布地址：请管理员在服务器上运行 `parley doctor`。',
  'doctor.media-udp.fail.signaling': '无法与会议服务器建立测试会话。',
  'doctor.media-udp.fix.signaling':
    '请先解决上面的会议服务器问题。如果它们都正常，可能是 focus 或媒体桥没有运行：请管理员在服务器上运行 `parley doctor`。',

  'doctor.media-tcp.title': '通过 TCP 传输音视频（备用）',
  'doctor.media-tcp.ok': '已通过 TCP 连接到媒体服务器：{pair}。',
  'doctor.media-tcp.fail.blocked': '{seconds} 秒内未能通过 TCP 与媒体服务器建立音视频连接。',
  'doctor.media-tcp.fix.blocked':
    '防火墙或代理拦截了到会议服务器 TCP 端口 {port}（媒体桥的 ICE-TCP 端口）的连接。请网络管理员放行，或在服务器上启用 TURN（parley start --turn）。',
  'doctor.media-tcp.fail.no-candidates': '媒体服务器没有提供 TCP 地址（ICE-TCP 未开启）。',
  'doctor.media-tcp.fix.no-candidates':
    '请为媒体桥设置 ICE-TCP 端口（--tcp-port）：请管理员在服务器上运行 `parley doctor`。',
  'doctor.media-tcp.fail.signaling': '无法与会议服务器建立测试会话。',
  'doctor.media-tcp.fix.signaling':
    '请先解决上面的会议服务器问题。如果它们都正常，可能是 focus 或媒体桥没有运行：请管理员在服务器上运行 `parley doctor`。',

  'doctor.turn.title': '通过 TURN 中继传输音视频',
  'doctor.turn.ok': '已通过 TURN 中继连接到媒体服务器：{pair}。',
  'doctor.turn.skipped.off': '已跳过：此服务器没有启用 TURN（启动时加上 --turn）。',
  'doctor.turn.fail.credentials': '无法从 /turn-credentials 获取 TURN 凭据。',
  'doctor.turn.fix.credentials':
    '服务器表示已启用 TURN，但没有提供凭据：请管理员检查 TURN 设置，并在服务器上运行 `parley doctor`。',
  'doctor.turn.fail.blocked': '{seconds} 秒内未能通过 TURN 中继建立音视频连接。',
  'doctor.turn.fix.blocked':
    '这台设备无法访问 TURN 服务器（coturn）的端口 {port}，或者 TURN 服务器无法访问媒体桥。请网络管理员放行该端口。',
  'doctor.turn.fail.signaling': '无法与会议服务器建立测试会话。',
  'doctor.turn.fix.signaling':
    '请先解决上面的会议服务器问题。如果它们都正常，可能是 focus 或媒体桥没有运行：请管理员在服务器上运行 `parley doctor`。',
};
