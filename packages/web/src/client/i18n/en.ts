// English strings: the reference dictionary. Every key here must exist in zh-CN.ts (checked by the compiler).
import { accessEn } from './access.js';
import { recordingEn } from './recording.js';

export const en = {
  ...accessEn,
  ...recordingEn,
  'app.name': 'Parley',
  'common.guest': 'Guest',
  'common.you': '(you)',
  'common.home': 'Home',
  'common.close': 'Close',
  'common.cancel': 'Cancel',

  'home.tagline': 'Video meetings on your own network',
  'home.roomLabel': 'Meeting name',
  'home.roomPlaceholder': 'e.g. {name}',
  'home.start': 'Start meeting',
  'home.hint':
    'Type a name to join an existing meeting, or start a new one. Share the link with the people you invite.',

  'prejoin.title': 'Ready to join?',
  'prejoin.room': 'Meeting: {room}',
  'prejoin.nameLabel': 'Your name',
  'prejoin.namePlaceholder': 'Enter your name',
  'prejoin.micOff': 'Join with microphone off',
  'prejoin.camOff': 'Join with camera off',
  'prejoin.join': 'Join meeting',
  'prejoin.microphone': 'Microphone',
  'prejoin.camera': 'Camera',
  'prejoin.cameraOff': 'Camera is off',
  'prejoin.noPreview': 'Starting camera…',
  'prejoin.micLevel': 'Microphone level',
  'prejoin.device': 'Device {n}',
  'prejoin.noDevice': 'None found',

  'joining.text': 'Joining the meeting…',
  'joining.room': '{room}',

  'left.title': 'You left the meeting',
  'left.body': 'Thanks for joining. You can rejoin the same meeting or go back home.',
  'left.rejoin': 'Rejoin',

  'prejoin.passwordLabel': 'Meeting password',
  'prejoin.passwordRequired': 'This meeting is protected by a password. Enter it to join.',
  'prejoin.passwordWrong': 'That password is not right. Check it and try again.',

  'lobby.title': 'Asking to join…',
  'lobby.as': 'The moderators see you as {name}.',
  'lobby.body': 'A moderator will let you in soon. Keep this page open.',
  'lobby.cancel': 'Cancel',

  'access.title': 'Meeting security',
  'access.password': 'Meeting password',
  'access.passwordSet': 'A password is set: newcomers must enter it.',
  'access.passwordPlaceholder': 'New password',
  'access.setPassword': 'Set password',
  'access.clearPassword': 'Remove password',
  'access.lobby': 'Lobby: newcomers ask to join',
  'access.lobbyHint': 'People already here stay. A moderator lets each newcomer in.',
  'access.refused': 'The change was refused: {reason}',
  'access.waiting': 'Waiting in the lobby ({n})',
  'access.admit': 'Admit',
  'access.deny': 'Deny',
  'access.admitLabel': 'Let {name} in',
  'access.denyLabel': 'Turn {name} away',
  'access.knocking': '{name} asks to join',
  'access.knockingMore': '{name} and {n} more ask to join',
  'access.showAll': 'Show all',
  'error.lobby-denied.title': 'The moderator declined your request to join',
  'error.lobby-denied.body': 'The moderator declined your request. You can ask again later, or go back home.',

  'toolbar.muteMic': 'Mute microphone',
  'toolbar.unmuteMic': 'Unmute microphone',
  'toolbar.stopCamera': 'Turn off camera',
  'toolbar.startCamera': 'Turn on camera',
  'toolbar.startShare': 'Share your screen',
  'toolbar.stopShare': 'Stop sharing your screen',
  'toolbar.openChat': 'Open chat',
  'toolbar.closeChat': 'Close chat',
  'toolbar.openParticipants': 'Show participants',
  'toolbar.closeParticipants': 'Hide participants',
  'toolbar.raiseHand': 'Raise your hand',
  'toolbar.lowerHand': 'Lower your hand',
  'toolbar.tileView': 'Switch to tile view',
  'toolbar.stageView': 'Switch to speaker view',
  'toolbar.copyInvite': 'Copy invite link',
  'toolbar.linkCopied': 'Link copied',
  'toolbar.copyFailed': 'Copy this link: {link}',
  'toolbar.leave': 'Leave meeting',
  'toolbar.shortcut': '{label} ({key})',
  'toolbar.unread': '{n} unread messages',
  'toolbar.openSettings': 'Open settings',
  'toolbar.openMore': 'More actions',
  'toolbar.closeMore': 'Close more actions',
  'toolbar.closeSettings': 'Close settings',

  'settings.title': 'Settings',
  'settings.microphone': 'Microphone',
  'settings.camera': 'Camera',
  'settings.speaker': 'Speaker',
  'settings.speakerDefault': 'System default',
  'settings.speakerUnsupported': 'This browser plays sound on the system default speaker only.',
  'settings.videoQuality': 'Video quality',
  'settings.quality.high': 'High definition',
  'settings.quality.standard': 'Standard definition',
  'settings.quality.low': 'Low definition',
  'settings.quality.audio-only': 'Audio only (no video sent or received)',

  'tile.micMuted': 'Microphone muted',
  'tile.camMuted': 'Camera off',
  'tile.handRaised': 'Hand raised',
  'tile.screen': 'Screen',
  'tile.pin': 'Click to pin',
  'tile.unpin': 'Click to unpin',
  'tile.videoPaused': 'Video paused',
  'tile.videoPausedHint': 'The bridge is not sending this video now (bandwidth, or too many videos).',
  'tiles.pages': 'Tile pages',
  'tiles.previous': 'Previous page of tiles',
  'tiles.next': 'Next page of tiles',
  'tiles.page': 'Page {page} of {pages}',

  'chat.title': 'Chat',
  'chat.empty': 'No messages yet. Say hello!',
  'chat.placeholder': 'Type a message',
  'chat.send': 'Send',
  'chat.to': 'To',
  'chat.everyone': 'Everyone',
  'chat.private': 'Private',
  'chat.privateTo': 'Private message to {name}',
  'chat.privateFrom': 'Private message',
  'chat.me': 'You',

  'participants.title': 'Participants ({n})',
  'participants.moderator': 'Moderator',
  'participants.chatOnly': 'Chat only',
  'home.phoneTitle': 'Join from a phone',
  'home.phoneOpen': 'Scan to open Parley on your phone',
  'home.phoneCa': "Scan to download this server's certificate authority; install it once so the phone trusts Parley",
  'announce.joined': '{name} joined',
  'announce.left': '{name} left',
  'announce.handRaised': '{name} raised their hand',
  'announce.message': 'Message from {name}: {text}',
  'announce.privateMessage': 'Private message from {name}: {text}',
  'participants.chatOnlyHint': 'In the room from another XMPP app: chat, no audio or video',
  'participants.mute': 'Mute',
  'participants.remove': 'Remove',
  'participants.confirmTitle': 'Remove participant?',
  'participants.confirmBody': '{name} will be removed from the meeting.',
  'participants.muteLabel': 'Mute {name}',
  'participants.removeLabel': 'Remove {name}',

  reconnecting: 'Connection lost. Reconnecting…',

  'error.details': 'Technical details',
  'error.retry': 'Try again',
  'error.doctor': 'Open the connection check page',
  'error.whatToDo': 'What you can do',

  'error.insecure-context.title': 'Camera and microphone need a secure page',
  'error.insecure-context.body':
    'Browsers only allow camera and microphone on pages opened with https://. This page was opened without it.',
  'error.insecure-context.step1': 'Open the secure address instead:',
  'error.insecure-context.step2':
    "If the browser warns that the connection is not private or the certificate is not trusted, install your organisation's meeting certificate on this device (trust it as a certificate authority), then reload the page.",
  'error.insecure-context.ca': 'Download the certificate',
  'error.insecure-context.step3': 'Still stuck? The connection check page explains what is wrong.',

  'error.no-devices.title': 'No camera or microphone found',
  'error.no-devices.body': 'Parley could not find a camera or a microphone on this device.',
  'error.no-devices.step1': 'Plug in a camera or headset, then try again.',
  'error.no-devices.step2': 'Or join anyway: you will still see and hear the others, and you can chat.',
  'error.no-devices.join': 'Join without camera and microphone',

  'error.permission-denied.title': 'Camera and microphone are blocked',
  'error.permission-denied.body': 'Your browser is not allowing this page to use your camera and microphone.',
  'error.permission-denied.step1': 'Click the lock or settings icon at the left of the address bar.',
  'error.permission-denied.step2': 'Set Camera and Microphone to "Allow" for this site.',
  'error.permission-denied.step3':
    'Press "Try again". If another app (another meeting, a video call) uses the camera, close it first.',

  'error.signaling-failed.title': "Can't reach the meeting server",
  'error.signaling-failed.body': 'Parley could not connect to the meeting server at {url}.',
  'error.signaling-failed.server': 'the meeting server',
  'error.signaling-failed.step1': 'Check that this device is connected to the right network (or VPN).',
  'error.signaling-failed.step2': 'Check that the address in the browser is correct.',
  'error.signaling-failed.step3': 'Open the connection check page to see which part fails, or ask your administrator.',

  'error.media-failed.title': "Audio and video can't get through",
  'error.media-failed.body':
    'You reached the meeting server, but audio and video could not be connected. The network between you and the server may block UDP port 10000, which meetings use for audio and video.',
  'error.media-failed.step1': 'Ask your network administrator to allow UDP port 10000 to the meeting server.',
  'error.media-failed.step2': 'If you use a VPN or a guest network, try another network.',
  'error.media-failed.step3': 'The connection check page tests this for you.',

  'error.meeting-ended.title': 'The meeting has ended',
  'error.meeting-ended.body': 'This meeting was ended. You can start it again or go back home.',
  'error.meeting-ended.rejoin': 'Rejoin',
  'error.meeting-ended.byModerator': 'The moderator ended the meeting for everyone.',

  'moderation.title': 'Moderator controls',
  'moderation.grant': 'Make moderator',
  'moderation.grantLabel': 'Make moderator: {name}',
  'moderation.muteAll': 'Mute everyone',
  'moderation.stopAllVideo': "Stop everyone's video",
  'moderation.endMeeting': 'End meeting for everyone',
  'moderation.confirmEndTitle': 'End the meeting for everyone?',
  'moderation.confirmEndBody': 'Everyone will leave the meeting and the room will be closed.',

  'error.removed.title': 'A moderator removed you from the meeting',
  'error.removed.body':
    'You are no longer in this meeting. If you think this was a mistake, ask the moderator before joining again.',

  'doctor.title': 'Connection check',
  'doctor.intro':
    'This page tests, one after another, what a meeting needs from this device and this network. It takes less than a minute.',
  'doctor.status.pending': 'Waiting',
  'doctor.status.running': 'Checking…',
  'doctor.status.ok': 'OK',
  'doctor.status.fail': 'Problem',
  'doctor.status.skipped': 'Skipped',
  'doctor.fix': 'How to fix',
  'doctor.details': 'Technical details',
  'doctor.summary.running': 'Checking…',
  'doctor.summary.ok': 'Everything works: you can join meetings from this device.',
  'doctor.summary.problem': '1 problem: see the fix above, or copy the report and send it to your administrator.',
  'doctor.summary.problems': '{n} problems: see the fixes above, or copy the report and send it to your administrator.',
  'doctor.copy': 'Copy report',
  'doctor.copied': 'Report copied',
  'doctor.copyFailed': 'Copying is not allowed here: select the report below and copy it.',
  'doctor.again': 'Check again',
  'doctor.ca': 'Download the certificate',
  'doctor.skipped.needs': 'Not checked: it needs the check that failed above ({checks}).',

  'doctor.secure-context.title': 'Secure page (HTTPS)',
  'doctor.secure-context.ok': 'This page was opened with https://, so the browser can allow camera and microphone.',
  'doctor.secure-context.fail.insecure':
    'This page was opened without https:// ({origin}). Browsers only allow camera and microphone on secure pages.',
  'doctor.secure-context.fix.insecure':
    'Open {https} instead. If the browser then warns that the connection is not private, install the meeting certificate ({ca}) on this device as a trusted certificate authority, then reload the page.',

  'doctor.devices.title': 'Camera and microphone',
  'doctor.devices.ok': 'Found and allowed: {devices}.',
  'doctor.devices.fail.none': 'No camera or microphone was found on this device (or another app is using it).',
  'doctor.devices.fix.none':
    'Plug in a camera or a headset, close other apps that use the camera (another meeting, a video call), then check again. You can still join meetings without them: you will see and hear the others and can chat.',
  'doctor.devices.fail.denied': 'The browser does not allow this page to use the camera and microphone.',
  'doctor.devices.fix.denied':
    'Click the lock or settings icon at the left of the address bar, set Camera and Microphone to "Allow" for this site, then check again. On a managed computer, a policy may block them: ask your administrator.',
  'doctor.devices.fail.insecure':
    'The browser offers no camera or microphone to this page because it is not a secure (https://) page.',
  'doctor.devices.fix.insecure': 'Fix the "Secure page" check first.',

  'doctor.websocket.title': 'Meeting server (WebSocket)',
  'doctor.websocket.ok': 'Connected and logged in as a guest at {url}.',
  'doctor.websocket.fail.unreachable': 'Could not connect to the meeting server at {url}.',
  'doctor.websocket.fix.unreachable':
    'Check that this device is on the right network (or VPN) and that the address is right. If a proxy (nginx, Apache, a load balancer) sits in front of Parley, it must pass WebSocket upgrades on this path: forward the Upgrade and Connection headers (nginx: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";). The administrator can run `parley doctor` on the server.',

  'doctor.bosh.title': 'Meeting server (BOSH, over HTTP)',
  'doctor.bosh.ok': 'The server opened a BOSH session at {url}.',
  'doctor.bosh.fail.unreachable': 'No BOSH session from {url}.',
  'doctor.bosh.fix.unreachable':
    'The web server, or a proxy in front of it, does not pass {url} to the XMPP server (Prosody). The administrator can run `parley doctor` on the server.',

  'doctor.media-udp.title': 'Audio and video over UDP',
  'doctor.media-udp.ok': 'Connected to the media server over UDP: {pair}.',
  'doctor.media-udp.fail.blocked': 'No audio/video connection to the media server over UDP within {seconds} s.',
  'doctor.media-udp.fix.blocked':
    'A firewall between this device and the meeting server blocks UDP. Ask your network administrator to allow UDP to the meeting server on port {port} (the media port). Until then meetings can still work over TCP (next check), with more delay.',
  'doctor.media-udp.fail.no-candidates': 'The media server offered no UDP address.',
  'doctor.media-udp.fix.no-candidates':
    'The bridge does not listen on UDP, or advertises no address: the administrator should run `parley doctor` on the server.',
  'doctor.media-udp.fail.signaling': 'Could not set up a test session with the meeting server.',
  'doctor.media-udp.fix.signaling':
    'Fix the meeting server checks above first. If they pass, the focus or the bridge may be down: the administrator should run `parley doctor` on the server.',

  'doctor.media-tcp.title': 'Audio and video over TCP (fallback)',
  'doctor.media-tcp.ok': 'Connected to the media server over TCP: {pair}.',
  'doctor.media-tcp.fail.blocked': 'No audio/video connection to the media server over TCP within {seconds} s.',
  'doctor.media-tcp.fix.blocked':
    "A firewall or proxy blocks TCP to the meeting server on port {port} (the bridge's ICE-TCP port). Ask your network administrator to allow it, or enable TURN on the server (parley start --turn).",
  'doctor.media-tcp.fail.no-candidates': 'The media server offered no TCP address (ICE-TCP is off).',
  'doctor.media-tcp.fix.no-candidates':
    'Start the bridge with an ICE-TCP port (--tcp-port): the administrator should run `parley doctor` on the server.',
  'doctor.media-tcp.fail.signaling': 'Could not set up a test session with the meeting server.',
  'doctor.media-tcp.fix.signaling':
    'Fix the meeting server checks above first. If they pass, the focus or the bridge may be down: the administrator should run `parley doctor` on the server.',

  'doctor.turn.title': 'Audio and video through TURN',
  'doctor.turn.ok': 'Connected to the media server through the TURN relay: {pair}.',
  'doctor.turn.skipped.off': 'Skipped: TURN is not enabled on this server (start it with --turn).',
  'doctor.turn.fail.credentials': 'Could not get TURN credentials from the XMPP server (XEP-0215 external services).',
  'doctor.turn.fix.credentials':
    'The server says TURN is on but gave no credentials: the administrator should check the TURN settings and run `parley doctor` on the server.',
  'doctor.turn.fail.blocked': 'No audio/video connection through the TURN relay within {seconds} s.',
  'doctor.turn.fix.blocked':
    'The TURN server (coturn) is not reachable from this device on port {port}, or cannot reach the bridge. Ask your network administrator to allow that port.',
  'doctor.turn.fail.signaling': 'Could not set up a test session with the meeting server.',
  'doctor.turn.fix.signaling':
    'Fix the meeting server checks above first. If they pass, the focus or the bridge may be down: the administrator should run `parley doctor` on the server.',
} as const;

export type MessageKey = keyof typeof en;
