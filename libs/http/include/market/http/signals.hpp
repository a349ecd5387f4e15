// Waiting for the platform's request to stop, so that a service's main() can drain and exit 0:
//
//   if (auto started = server.Start(); !started.ok()) return 1;
//   market::http::WaitForTerminationSignal();
//   server.Shutdown();
//   return 0;
#pragma once

namespace market::http {

// Blocks the calling thread until SIGTERM or SIGINT arrives, then returns. While it waits, those
// signals no longer terminate the process; afterwards their default action is restored.
void WaitForTerminationSignal();

}  // namespace market::http
