// Texts of recording (issue 17), spread into en and zh-CN.
export const recordingEn = {
  'recording.indicator': 'Recording',
  'recording.start': 'Start recording',
  'recording.stop': 'Stop recording',
  'recording.sender': 'Recording',
  'recording.started': 'Recording started by {name}.',
  'recording.stopped': 'Recording stopped by {name}.',
  'recording.stoppedDisk': 'Recording stopped: the server is running out of disk space.',
  'recording.stoppedOther': 'Recording stopped ({reason}).',
  'recording.refused': 'Recording could not start: {reason}',
};

export const recordingZhCN: Record<keyof typeof recordingEn, string> = {
  'recording.indicator': '录制中',
  'recording.start': '开始录制',
  'recording.stop': '停止录制',
  'recording.sender': '录制',
  'recording.started': '{name} 开始了录制。',
  'recording.stopped': '{name} 停止了录制。',
  'recording.stoppedDisk': '录制已停止：服务器磁盘空间不足。',
  'recording.stoppedOther': '录制已停止（{reason}）。',
  'recording.refused': '无法开始录制：{reason}',
};
