// Durations and instants as an operator reads them.

// 93784000 -> "1d 2h 3m"; under a minute "45s".
export function formatDuration(ms) {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h ${minutes}m`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds % 60}s`;
  return `${seconds}s`;
}

// The time left until `deadline` (ISO text), or how long ago it passed.
export function countdown(deadline, now = Date.now()) {
  const left = Date.parse(deadline) - now;
  return left >= 0
    ? { overdue: false, text: `${formatDuration(left)} left` }
    : { overdue: true, text: `Overdue by ${formatDuration(left)}` };
}

export function age(since, now = Date.now()) {
  return formatDuration(now - Date.parse(since));
}

// "2026-12-02T17:40:00Z" -> "2026-12-02 17:40 UTC": one zone for every operator.
export function formatInstant(iso) {
  if (!iso) return '—';
  return new Date(iso).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
